package io.securefirehose.internal.client;

import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.internal.identity.RenewableSession;
import io.securefirehose.internal.identity.SendGate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A stream's view of its client's session: closed, as the session is, while there is no valid session, and (for
 * a role's session) also until a session whose policy names this stream has come, since the one before it would be
 * refused by Firehose. What the stream asks to hear when the gate opens is taken off the shared session when the
 * stream closes ({@link #release()}), so a closed stream is not kept alive by it. Thread-safe.
 */
final class StreamGate implements SendGate {

    /** The scope of a session that names no stream (a web identity's): every version is covered. */
    static final int ANY_SCOPE = -1;

    private final RenewableSession session;
    private final int scope;
    private final String stream;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /**
     * @param session the client's session
     * @param scope the scope version that first named the stream, or {@link #ANY_SCOPE}
     * @param stream the stream, for messages
     */
    StreamGate(RenewableSession session, int scope, String stream) {
        this.session = session;
        this.scope = scope;
        this.stream = stream;
    }

    @Override
    public @Nullable CredentialsUnavailableException closedBecause() {
        CredentialsUnavailableException closed = session.closedBecause();
        if (closed != null || scope == ANY_SCOPE || session.covers(scope)) {
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
        listeners.add(listener);
        session.onOpen(listener);
    }

    /** The stream closed: what it listens for is taken off the session. */
    void release() {
        for (Runnable listener : listeners) {
            session.removeOnOpen(listener);
        }
        listeners.clear();
    }
}
