/** Implementation of the producer: accumulator, sender, retries, transport. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal;

import org.jspecify.annotations.NullMarked;
