/** Implementation of LocalFirehose. Not public API. */
@NullMarked
package io.securefirehose.testkit.internal;

import org.jspecify.annotations.NullMarked;
