package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A record could not be encrypted, so it was not sent: envelope encryption is on and no usable data key was
 * obtained from KMS within {@code deliveryTimeout} (KMS unreachable, throttling, or a refusal such as access
 * denied or a disabled key). The record never left the producer in plaintext. The message names the KMS key and
 * KMS's last answer.
 *
 * <p>Retriable when KMS may still answer (outage, throttling); not retriable when KMS refused in a way that repeats
 * until a key policy, grant or key state is changed.
 */
@API(status = STABLE, since = "0.1.0")
public final class EncryptionFailedException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, KMS's answer, and how to fix it
     * @param retriable whether a data key may become available by itself
     * @param cause KMS's last failure, or {@code null}
     */
    public EncryptionFailedException(String message, boolean retriable, @Nullable Throwable cause) {
        super(message, cause, retriable);
    }
}
