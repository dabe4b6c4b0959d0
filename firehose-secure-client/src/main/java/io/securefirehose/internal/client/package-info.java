/**
 * What the streams of one {@code SecureFirehoseClient} share (the sender thread, the event loops, the Firehose
 * connection pool, the STS sessions of the role, the KMS client, the buffer, the listener's thread) and how a
 * stream's engine is built on them. Not API: may change in any release.
 */
@NullMarked
package io.securefirehose.internal.client;

import org.jspecify.annotations.NullMarked;
