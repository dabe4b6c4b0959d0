package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A delivery stream's direct-PUT quota, enforced by {@link LocalFirehose} as Firehose does: a call that would take
 * the stream over any of the three rates is refused whole with {@code ServiceUnavailableException} ("Slow down.",
 * HTTP 500) and nothing of it is stored. Each rate is a token bucket holding one second of it, refilled
 * continuously, so a stream may burst up to one second's worth after a quiet spell. Refused calls use no quota.
 *
 * <p>Firehose's own defaults in the largest regions are 2,000 requests/s, 500,000 records/s and 5 MiB/s
 * ({@link #FIREHOSE_LARGEST_REGIONS}); elsewhere 1,000, 100,000 and 1 MiB/s.
 *
 * @param recordsPerSecond records accepted per second, at least 1
 * @param requestsPerSecond calls accepted per second, at least 1
 * @param bytesPerSecond record bytes (before base64) accepted per second, at least 1
 */
@API(status = STABLE, since = "0.1.0")
public record StreamQuota(long recordsPerSecond, long requestsPerSecond, long bytesPerSecond) {

    /** Firehose's default direct-PUT quota in US East (N. Virginia), US West (Oregon) and Europe (Ireland). */
    public static final StreamQuota FIREHOSE_LARGEST_REGIONS = new StreamQuota(500_000, 2_000, 5L * 1024 * 1024);

    /**
     * Checks the rates.
     *
     * @param recordsPerSecond records accepted per second, at least 1
     * @param requestsPerSecond calls accepted per second, at least 1
     * @param bytesPerSecond record bytes accepted per second, at least 1
     * @throws IllegalArgumentException if a rate is below 1
     */
    public StreamQuota {
        check("recordsPerSecond", recordsPerSecond);
        check("requestsPerSecond", requestsPerSecond);
        check("bytesPerSecond", bytesPerSecond);
    }

    /**
     * A quota on bytes per second only (records and requests as in Firehose's largest regions).
     *
     * @param bytesPerSecond record bytes accepted per second
     * @return the quota
     */
    public static StreamQuota bytesPerSecond(long bytesPerSecond) {
        return new StreamQuota(
                FIREHOSE_LARGEST_REGIONS.recordsPerSecond(),
                FIREHOSE_LARGEST_REGIONS.requestsPerSecond(),
                bytesPerSecond);
    }

    private static void check(String name, long value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, was " + value);
        }
    }
}
