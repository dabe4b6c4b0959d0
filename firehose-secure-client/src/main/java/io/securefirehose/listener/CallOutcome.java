package io.securefirehose.listener;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * How a {@code PutRecordBatch} call ended; the same classes as the {@code outcome} tag of
 * {@code firehose.producer.requests} (docs/metrics.md).
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public enum CallOutcome {
    /** Firehose accepted every record of the call. */
    SUCCESS,
    /** Firehose answered, and refused some records (their error codes); only those are retried. */
    PARTIAL_FAILURE,
    /** The whole call was throttled; its records are retried. */
    THROTTLED,
    /** The whole call failed with a cause worth retrying (a 5xx, a timeout, a reset); its records are retried. */
    RETRIABLE_ERROR,
    /** The whole call failed for good (refused request, policy violation, access denied); its records fail. */
    FATAL_ERROR;

    /** @return the name as the metric's {@code outcome} tag spells it, for example {@code partial_failure} */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
