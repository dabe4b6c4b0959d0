/** Hands the producer's events to the user's {@link io.securefirehose.listener.ProducerListener} on a thread of its own. Uses no other internal package. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.listen;

import org.jspecify.annotations.NullMarked;
