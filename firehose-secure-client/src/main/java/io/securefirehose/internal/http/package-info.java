/** Batch transports (the lean request path and the SDK client path), failure classification, the stream describer. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.http;

import org.jspecify.annotations.NullMarked;
