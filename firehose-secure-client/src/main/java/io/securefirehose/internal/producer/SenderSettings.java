package io.securefirehose.internal.producer;

import io.securefirehose.internal.aws.RetryBackoff;
import java.time.Duration;

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
        long spillReplayIntervalNanos) {}
