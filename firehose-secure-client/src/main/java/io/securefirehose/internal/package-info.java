/** Implementation of the producer: accumulator, sender, retries, transport. Not public API: may change in any release. */
package io.securefirehose.internal;
