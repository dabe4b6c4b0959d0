/** Implementation of LocalFirehose. Not public API. */
package io.securefirehose.testkit.internal;
