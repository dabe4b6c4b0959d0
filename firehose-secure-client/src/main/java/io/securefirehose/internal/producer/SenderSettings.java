package io.securefirehose.internal.producer;

import io.securefirehose.internal.aws.RetryBackoff;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Numbers the sender works with, all validated by the producer's builder. */
record SenderSettings(
        long lingerNanos,
        int maxInFlight,
        int maxBatchRecords,
        int maxBatchBytes,
        Duration deliveryTimeout,
        RetryBackoff backoff,
        long expiryCheckNanos,
        boolean requireServerSideEncryption,
        boolean rateControl,
        long spillReplayIntervalNanos) {

    /** How often records are checked against their delivery deadline: a twentieth of it, within [1 ms, 250 ms]. */
    static long expiryCheckInterval(Duration deliveryTimeout) {
        long twentieth = deliveryTimeout.toNanos() / 20;
        return Math.max(TimeUnit.MILLISECONDS.toNanos(1), Math.min(twentieth, TimeUnit.MILLISECONDS.toNanos(250)));
    }
}
