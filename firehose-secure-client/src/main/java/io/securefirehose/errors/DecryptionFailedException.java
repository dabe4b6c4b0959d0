package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A record of an envelope-encrypted object could not be decrypted: the frame is damaged, truncated, of an unknown
 * version, of another delivery stream, failed authentication, or KMS would not decrypt its data key. Nothing that
 * did not authenticate is ever returned as plaintext. {@link #offset()} is where the frame starts in the
 * (decompressed) object.
 */
@API(status = STABLE, since = "0.1.0")
public final class DecryptionFailedException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /** Byte offset of the failing frame in the decompressed object. */
    private final long offset;

    /** Why it failed, without the offset. */
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param offset byte offset of the failing frame in the decompressed object
     * @param reason why it failed
     * @param retriable whether trying again later may succeed (KMS unreachable)
     * @param cause the underlying failure, or {@code null}
     */
    public DecryptionFailedException(long offset, String reason, boolean retriable, @Nullable Throwable cause) {
        super("record at byte offset " + offset + ": " + reason, cause, retriable);
        this.offset = offset;
        this.reason = reason;
    }

    /** @return byte offset of the failing frame in the decompressed object */
    public long offset() {
        return offset;
    }

    /** @return why it failed */
    public String reason() {
        return reason;
    }
}
