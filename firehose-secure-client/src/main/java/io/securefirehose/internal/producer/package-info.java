/** The producer engine: accumulator, batches, slabs, buffer memory, sender, retries, settling, rate control, spill replay, meters. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.producer;

import org.jspecify.annotations.NullMarked;
