package io.securefirehose.listener;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Firehose throttled a call, as {@link ProducerListener#throttled} receives it: the whole call, or some of its
 * records ({@code ServiceUnavailableException} per record). The producer retries them after a backoff, and its rate
 * control lowers its sending rate (docs/producer.md).
 *
 * @param deliveryStream the producer's delivery stream
 * @param callId the number {@link CallStarted} gave the call
 * @param throttledRecords how many of the call's records were throttled
 * @param wholeCall whether the call as a whole was refused
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record Throttled(String deliveryStream, long callId, int throttledRecords, boolean wholeCall) {

    /**
     * Checks the components.
     *
     * @param deliveryStream the producer's delivery stream
     * @param callId the call's number
     * @param throttledRecords how many records, at least 1
     * @param wholeCall whether the whole call was refused
     */
    public Throttled {
        Objects.requireNonNull(deliveryStream, "deliveryStream");
        if (throttledRecords < 1) {
            throw new IllegalArgumentException("throttledRecords must be at least 1, was " + throttledRecords);
        }
    }
}
