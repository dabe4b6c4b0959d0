package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Root of every exception this SDK throws or completes a record's future with.
 *
 * <p>{@link #isRetriable()} tells a caller whether sending the same record again later may succeed: it is
 * {@code true} for transient causes (throttling, a full buffer, a timeout) and {@code false} for causes that will
 * repeat until something is changed (a missing stream, a record over the size limit, denied access).
 *
 * <p>Messages name the value that was seen, the rule it broke and how to fix it. They never contain record
 * payloads, keys or credentials.
 */
@API(status = STABLE, since = "0.1.0")
public class FirehoseSecureException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Whether sending the same record again later may succeed. */
    private final boolean retriable;

    /**
     * Creates an exception.
     *
     * @param message what happened, which rule applies and how to fix it
     * @param cause the underlying failure, or {@code null}
     * @param retriable whether sending the same record again later may succeed
     */
    protected FirehoseSecureException(String message, @Nullable Throwable cause, boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    /**
     * Whether sending the same record again later may succeed.
     *
     * @return {@code true} for transient causes, {@code false} when something must change first
     */
    public boolean isRetriable() {
        return retriable;
    }
}
