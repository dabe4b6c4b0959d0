package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.apiguardian.api.API;

/**
 * Delay before the next attempt: {@code initial * 2^(attempt-1)}, capped at {@code max}, then multiplied by a
 * random factor in {@code [1 - JITTER, 1 + JITTER]}.
 *
 * <p>The jitter is applied after the cap on purpose: resilience4j's randomized exponential backoff caps after
 * randomizing, so every producer that has reached the cap would retry at exactly the same delay, in step with
 * every other producer throttled by the same stream.
 *
 * <p>Not thread-safe: only the scheduler thread asks for delays.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class RetryBackoff {

    /** Random spread of each delay. */
    public static final double JITTER = 0.5;

    private final IntervalFunction capped;
    private final RandomGenerator random;

    public RetryBackoff(Duration initial, Duration max) {
        this(initial, max, new SplittableRandom());
    }

    public RetryBackoff(Duration initial, Duration max, RandomGenerator random) {
        this.capped = IntervalFunction.ofExponentialBackoff(initial, 2.0, max);
        this.random = random;
    }

    /**
     * @param attempt the attempt that just failed, from 1
     * @return milliseconds to wait before the next attempt
     */
    public long delayMillis(int attempt) {
        long base = capped.apply(Math.max(1, attempt));
        double factor = 1 - JITTER + 2 * JITTER * random.nextDouble();
        return Math.max(1, Math.round(base * factor));
    }
}
