package io.securefirehose.internal.identity;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.errors.CredentialsUnavailableException;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Whether calls that must be signed may go now. A call made without valid credentials fails before a byte leaves
 * the host, so while the gate is closed the producer holds its records (within {@code deliveryTimeout}) instead of
 * spending attempts, calls and CPU on them; it goes on as soon as the gate opens.
 *
 * <p>Closed only for a reason that may pass by itself (the first session is on its way, or STS is down and the
 * session expired). A refusal that will repeat leaves the gate open, so that records fail at once with it.
 */
@API(status = INTERNAL, since = "0.1.0")
public interface SendGate {

    /** A gate that never closes: credentials that are always at hand (static keys, the SDK's provider chain). */
    SendGate OPEN = new SendGate() {
        @Override
        public @Nullable CredentialsUnavailableException closedBecause() {
            return null;
        }

        @Override
        public void onOpen(Runnable listener) {
            // Never closed, so never opens.
        }
    };

    /**
     * Any thread.
     *
     * @return {@code null} when calls may go now, otherwise why not (retriable)
     */
    @Nullable
    CredentialsUnavailableException closedBecause();

    /**
     * Adds what to run each time the gate may have opened. The listener runs on whichever thread opened it, so it
     * must only hand work over (for example, ask the sender's scheduler for a drain).
     *
     * @param listener what to run
     */
    void onOpen(Runnable listener);
}
