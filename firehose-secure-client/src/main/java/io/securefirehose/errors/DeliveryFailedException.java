package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A record's future fails with this when Firehose did not accept the record.
 *
 * <p>{@link #errorCode()} is Firehose's error code (for example {@code ResourceNotFoundException},
 * {@code InvalidArgumentException}, {@code AccessDeniedException}) or, for failures that never reached Firehose,
 * a code of this SDK such as {@code ConnectionError}. {@link #attempts()} counts the {@code PutRecordBatch}
 * calls that carried the record.
 *
 * <p>Non-retriable codes fail the record at once, without retries: fix the cause (create the stream, grant
 * access) and send again. Retriable causes are retried by the producer until {@code deliveryTimeout}; when that
 * runs out the future fails with the subclass {@link DeliveryTimeoutException}.
 */
@API(status = STABLE, since = "0.1.0")
public class DeliveryFailedException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /** Firehose's error code, or this SDK's code for failures that never reached Firehose. */
    private final String errorCode;
    /** Number of PutRecordBatch calls that carried the record. */
    private final int attempts;

    /**
     * Creates the exception.
     *
     * @param message what happened and how to fix it
     * @param errorCode Firehose's error code, or this SDK's code for failures that never reached Firehose
     * @param attempts number of {@code PutRecordBatch} calls that carried the record
     * @param retriable whether sending the record again later may succeed
     * @param cause the underlying failure, or {@code null}
     */
    public DeliveryFailedException(
            String message, String errorCode, int attempts, boolean retriable, @Nullable Throwable cause) {
        super(message, cause, retriable);
        this.errorCode = errorCode;
        this.attempts = attempts;
    }

    /** @return Firehose's error code, or this SDK's code for failures that never reached Firehose */
    public String errorCode() {
        return errorCode;
    }

    /** @return number of {@code PutRecordBatch} calls that carried the record */
    public int attempts() {
        return attempts;
    }
}
