package io.securefirehose.internal.identity;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * A session that several streams share and whose scope can widen ({@link AssumedRoleCredentials}): what a stream's
 * gate needs to know of it.
 */
@API(status = INTERNAL, since = "0.6.0")
public interface RenewableSession extends SendGate {

    /**
     * @param scope a version of the scope
     * @return whether the current session was asked for with that version or a later one
     */
    boolean covers(int scope);

    /**
     * Removes a listener added with {@link #onOpen}, so that a stream that closed is not kept alive by it.
     *
     * @param listener the listener, as added
     */
    void removeOnOpen(Runnable listener);

    /** @return the role, for messages */
    String roleArn();
}
