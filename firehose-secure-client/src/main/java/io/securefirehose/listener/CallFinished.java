package io.securefirehose.listener;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A {@code PutRecordBatch} call that finished, as {@link ProducerListener#callFinished} receives it.
 *
 * @param deliveryStream the producer's delivery stream
 * @param callId the number {@link CallStarted} gave the call
 * @param records how many records the call carried
 * @param bytes the records' bytes, before base64
 * @param outcome how the call ended
 * @param acceptedRecords how many of its records Firehose accepted (0 unless the call was answered)
 * @param errorCode the call's error code, or the first refused record's, or {@code null} on success; without an
 *     answer, the failure's class name
 * @param latency from writing the call to its outcome, on the producer's clock
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record CallFinished(
        String deliveryStream,
        long callId,
        int records,
        long bytes,
        CallOutcome outcome,
        int acceptedRecords,
        @Nullable String errorCode,
        Duration latency) {

    /**
     * Checks the components.
     *
     * @param deliveryStream the producer's delivery stream
     * @param callId the call's number
     * @param records how many records
     * @param bytes the records' bytes
     * @param outcome how the call ended
     * @param acceptedRecords how many were accepted, at most {@code records}
     * @param errorCode the error code, or {@code null} on success
     * @param latency the call's latency, not negative
     */
    public CallFinished {
        Objects.requireNonNull(deliveryStream, "deliveryStream");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(latency, "latency");
        if (acceptedRecords < 0 || acceptedRecords > records || latency.isNegative()) {
            throw new IllegalArgumentException("acceptedRecords must be within [0, " + records
                    + "] and latency not negative, were " + acceptedRecords + " and " + latency);
        }
    }
}
