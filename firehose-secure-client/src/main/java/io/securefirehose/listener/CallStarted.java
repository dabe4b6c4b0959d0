package io.securefirehose.listener;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A {@code PutRecordBatch} call about to be written, as {@link ProducerListener#callStarted} receives it.
 *
 * @param deliveryStream the producer's delivery stream
 * @param callId the call's number within this producer, from 1; {@link CallFinished} repeats it
 * @param records how many records the call carries
 * @param bytes the records' bytes, before base64
 * @param attempt the highest attempt among its records: 1 when every record is sent for the first time, more when
 *     the call retries records
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record CallStarted(String deliveryStream, long callId, int records, long bytes, int attempt) {

    /**
     * Checks the components.
     *
     * @param deliveryStream the producer's delivery stream
     * @param callId the call's number, at least 1
     * @param records how many records, at least 1
     * @param bytes the records' bytes, not negative
     * @param attempt the highest attempt, at least 1
     */
    public CallStarted {
        Objects.requireNonNull(deliveryStream, "deliveryStream");
        if (callId < 1 || records < 1 || bytes < 0 || attempt < 1) {
            throw new IllegalArgumentException("callId, records and attempt must be at least 1 and bytes not negative,"
                    + " were " + callId + ", " + records + ", " + attempt + " and " + bytes);
        }
    }
}
