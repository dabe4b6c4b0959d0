package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/** Default settings of {@link SecureFirehoseProducer}; {@code docs/producer.md} says why each was chosen. */
@API(status = STABLE, since = "0.1.0")
public final class ProducerDefaults {

    /** Default {@code linger}: 5 ms. */
    public static final Duration LINGER = Duration.ofMillis(5);

    /** Default {@code maxBufferedBytes}: 32 MiB. */
    public static final long MAX_BUFFERED_BYTES = 32L * 1024 * 1024;

    /** Default {@code maxBlock}: 60 s. */
    public static final Duration MAX_BLOCK = Duration.ofSeconds(60);

    /** Default {@code maxInFlightRequests}: 5. */
    public static final int MAX_IN_FLIGHT_REQUESTS = 5;

    /** Default {@code deliveryTimeout}: 120 s. */
    public static final Duration DELIVERY_TIMEOUT = Duration.ofMinutes(2);

    /** Default {@code requestTimeout}: 30 s. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** Default first retry backoff: 100 ms. */
    public static final Duration RETRY_BACKOFF = Duration.ofMillis(100);

    /** Default largest retry backoff: 5 s. */
    public static final Duration RETRY_BACKOFF_MAX = Duration.ofSeconds(5);

    private ProducerDefaults() {}
}
