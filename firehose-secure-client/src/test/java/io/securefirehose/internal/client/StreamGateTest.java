package io.securefirehose.internal.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.internal.identity.RenewableSession;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * A stream's gate on its client's session: closed until a session naming the stream has come, and, once the stream
 * closed, no longer listening to the session (which would keep the closed stream's engine alive).
 */
class StreamGateTest {

    /** A session that covers scopes up to {@code covered} and records its listeners. */
    private static final class Session implements RenewableSession {
        int covered;
        final List<Runnable> listeners = new ArrayList<>();

        @Override
        public boolean covers(int scope) {
            return scope <= covered;
        }

        @Override
        public void removeOnOpen(Runnable listener) {
            listeners.remove(listener);
        }

        @Override
        public String roleArn() {
            return "arn:aws:iam::111122223333:role/fleet";
        }

        @Override
        public @Nullable CredentialsUnavailableException closedBecause() {
            return null;
        }

        @Override
        public void onOpen(Runnable listener) {
            listeners.add(listener);
        }
    }

    @Test
    void theGateOpensOnlyOnceASessionNamingTheStreamHasCome() {
        Session session = new Session();
        StreamGate gate = new StreamGate(session, 2, "clicks");

        session.covered = 1;
        CredentialsUnavailableException closed = gate.closedBecause();
        assertThat(closed).isNotNull();
        assertThat(closed.isRetriable()).isTrue();
        assertThat(closed.getMessage()).contains("does not name stream clicks yet");
        session.covered = 2;
        assertThat(gate.closedBecause()).isNull();
        assertThat(new StreamGate(session, StreamGate.ANY_SCOPE, "views").closedBecause())
                .isNull();
    }

    @Test
    void aClosedStreamNoLongerListensToTheSharedSession() {
        Session session = new Session();
        Runnable other = () -> {};
        session.onOpen(other);
        StreamGate gate = new StreamGate(session, 1, "clicks");
        gate.onOpen(() -> {});
        gate.onOpen(() -> {});
        assertThat(session.listeners).hasSize(3);

        gate.release();

        assertThat(session.listeners).containsExactly(other);
    }
}
