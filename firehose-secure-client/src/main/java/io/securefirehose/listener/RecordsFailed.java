package io.securefirehose.listener;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Records whose futures failed for one reason at one moment, as {@link ProducerListener#recordsFailed} receives
 * them. One event per reason and moment, not per record: a close that fails ten thousand records is one event. Each
 * record's typed cause is on its own future.
 *
 * @param deliveryStream the producer's delivery stream
 * @param reason the {@code reason} tag of {@code firehose.producer.records.failed} (docs/metrics.md), for example
 *     {@code delivery_timeout}, {@code closed}, {@code encryption} or a fatal error code
 * @param records how many records, at least 1
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record RecordsFailed(String deliveryStream, String reason, int records) {

    /**
     * Checks the components.
     *
     * @param deliveryStream the producer's delivery stream
     * @param reason why they failed
     * @param records how many, at least 1
     */
    public RecordsFailed {
        Objects.requireNonNull(deliveryStream, "deliveryStream");
        Objects.requireNonNull(reason, "reason");
        if (records < 1) {
            throw new IllegalArgumentException("records must be at least 1, was " + records);
        }
    }
}
