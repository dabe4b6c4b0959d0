package io.securefirehose.internal.client;

import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.internal.identity.AssumedRoleCredentials;
import io.securefirehose.internal.identity.SendGate;
import org.jspecify.annotations.Nullable;

/**
 * A stream's view of its client's role session: closed, as the session is, while there is no valid session, and
 * also until a session whose policy names this stream has come (the one before it would be refused by Firehose).
 * Thread-safe.
 */
final class StreamGate implements SendGate {

    private final AssumedRoleCredentials session;
    private final int scope;
    private final String stream;

    /**
     * @param session the role's session
     * @param scope the scope version that first named the stream
     * @param stream the stream, for messages
     */
    StreamGate(AssumedRoleCredentials session, int scope, String stream) {
        this.session = session;
        this.scope = scope;
        this.stream = stream;
    }

    @Override
    public @Nullable CredentialsUnavailableException closedBecause() {
        CredentialsUnavailableException closed = session.closedBecause();
        if (closed != null || session.covers(scope)) {
            return closed;
        }
        return new CredentialsUnavailableException(
                "the session of role " + session.roleArn() + " does not name stream " + stream
                        + " yet: one whose policy names it was asked for",
                true,
                null);
    }

    @Override
    public void onOpen(Runnable listener) {
        session.onOpen(listener);
    }
}
