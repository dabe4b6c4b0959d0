package io.securefirehose.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LongSummaryStatistics;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class RetryBackoffTest {

    private final RetryBackoff backoff =
            new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2), new SplittableRandom(20261128));

    private LongSummaryStatistics draws(int attempt) {
        return LongStream.range(0, 2_000).map(i -> backoff.delayMillis(attempt)).summaryStatistics();
    }

    @Test
    void delaysDoubleFromTheInitialValueWithinTheJitterBand() {
        for (int attempt = 1; attempt <= 4; attempt++) {
            long base = 100L << (attempt - 1);
            LongSummaryStatistics stats = draws(attempt);
            assertThat(stats.getMin()).as("attempt %d", attempt).isGreaterThanOrEqualTo(base / 2);
            assertThat(stats.getMax()).as("attempt %d", attempt).isLessThanOrEqualTo(base * 3 / 2);
        }
    }

    @Test
    void delaysAtTheCapStillSpreadSoThrottledProducersDoNotRetryInStep() {
        LongSummaryStatistics stats = draws(30);
        assertThat(stats.getMin()).isGreaterThanOrEqualTo(1000).isLessThan(1200);
        assertThat(stats.getMax()).isLessThanOrEqualTo(3000).isGreaterThan(2800);
    }
}
