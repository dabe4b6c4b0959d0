package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A record's future fails with this when {@code deliveryTimeout} passed before Firehose acknowledged the record.
 *
 * <p>{@link #errorCode()} is the last error seen for the record ({@code None} if it never reached Firehose, for
 * example because it waited in the buffer the whole time). When {@link #wasInFlight()} is {@code true} a
 * {@code PutRecordBatch} call carrying the record was still under way: Firehose may yet store the record, so
 * sending it again can produce a duplicate. Retriable.
 */
@API(status = STABLE, since = "0.1.0")
public final class DeliveryTimeoutException extends DeliveryFailedException {

    private static final long serialVersionUID = 1L;

    /** Whether a call carrying the record was still under way. */
    private final boolean inFlight;

    /**
     * Creates the exception.
     *
     * @param deliveryTimeout the configured delivery timeout
     * @param attempts number of {@code PutRecordBatch} calls that carried the record
     * @param lastErrorCode the last error seen for the record, or {@code null} if none
     * @param inFlight whether a call carrying the record was still under way
     * @param lastError the last failure seen for the record, or {@code null}
     */
    public DeliveryTimeoutException(
            Duration deliveryTimeout,
            int attempts,
            @Nullable String lastErrorCode,
            boolean inFlight,
            @Nullable Throwable lastError) {
        super(
                "record not acknowledged within deliveryTimeout="
                        + deliveryTimeout.toMillis()
                        + " ms after "
                        + attempts
                        + " attempt(s), last error: "
                        + (lastErrorCode == null ? "none" : lastErrorCode)
                        + (inFlight ? "; a call carrying it was still in flight, so Firehose may yet store it" : "")
                        + "; check the stream's throttling and health, or raise deliveryTimeout",
                lastErrorCode == null ? "None" : lastErrorCode,
                attempts,
                true,
                lastError);
        this.inFlight = inFlight;
    }

    /** @return whether a call carrying the record was still under way when the timeout passed */
    public boolean wasInFlight() {
        return inFlight;
    }
}
