/** How the producer talks to Firehose: which certificate authorities it trusts. */
package io.securefirehose.transport;
