/** Credentials sessions: STS AssumeRole and web identity sessions, refreshed ahead of expiry, and the gate senders wait at. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.identity;

import org.jspecify.annotations.NullMarked;
