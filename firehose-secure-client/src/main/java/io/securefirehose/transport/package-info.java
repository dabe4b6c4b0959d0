/** How the producer talks to Firehose: which certificate authorities it trusts. */
@NullMarked
package io.securefirehose.transport;

import org.jspecify.annotations.NullMarked;
