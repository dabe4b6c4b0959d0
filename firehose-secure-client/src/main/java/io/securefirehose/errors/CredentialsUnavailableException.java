package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * No usable credentials to sign with: the assumed-role session has not been obtained yet, or it expired while STS
 * could not be reached, or STS refused to issue it. Records wait (retriable) within {@code deliveryTimeout} while
 * STS may still answer; a refusal that will repeat (access denied, invalid role) is not retriable and fails the
 * records at once. The message names the role and STS's last answer.
 */
@API(status = STABLE, since = "0.1.0")
public final class CredentialsUnavailableException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what is missing, why, and how to fix it
     * @param retriable whether credentials may become available by themselves
     * @param cause STS's last failure, or {@code null}
     */
    public CredentialsUnavailableException(String message, boolean retriable, @Nullable Throwable cause) {
        super(message, cause, retriable);
    }
}
