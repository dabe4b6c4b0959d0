package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Three token buckets (records, requests, bytes), each holding one second of its rate and refilled continuously
 * from a monotonic clock. A call is admitted only if every bucket has enough for it; admitted calls take from all
 * three, refused ones from none. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class QuotaBuckets {

    private final long recordsPerSecond;
    private final long requestsPerSecond;
    private final long bytesPerSecond;
    private double records;
    private double requests;
    private double bytes;
    private long refilledAt;

    /**
     * Full buckets.
     *
     * @param recordsPerSecond records per second
     * @param requestsPerSecond calls per second
     * @param bytesPerSecond bytes per second
     * @param nowNanos the clock's current reading
     */
    public QuotaBuckets(long recordsPerSecond, long requestsPerSecond, long bytesPerSecond, long nowNanos) {
        this.recordsPerSecond = recordsPerSecond;
        this.requestsPerSecond = requestsPerSecond;
        this.bytesPerSecond = bytesPerSecond;
        this.records = (double) recordsPerSecond;
        this.requests = (double) requestsPerSecond;
        this.bytes = (double) bytesPerSecond;
        this.refilledAt = nowNanos;
    }

    /**
     * Admits a call or says which rate it would exceed.
     *
     * @param callRecords records in the call
     * @param callBytes record bytes in the call
     * @param nowNanos the clock's current reading
     * @return {@code null} if admitted, else the name of the exceeded rate
     */
    public synchronized @Nullable String admit(int callRecords, long callBytes, long nowNanos) {
        double seconds = Math.max(0, nowNanos - refilledAt) / 1e9;
        refilledAt = Math.max(refilledAt, nowNanos);
        records = Math.min((double) recordsPerSecond, records + seconds * (double) recordsPerSecond);
        requests = Math.min((double) requestsPerSecond, requests + seconds * (double) requestsPerSecond);
        bytes = Math.min((double) bytesPerSecond, bytes + seconds * (double) bytesPerSecond);
        if (requests < 1) {
            return "requests per second (" + requestsPerSecond + ")";
        }
        if (records < callRecords) {
            return "records per second (" + recordsPerSecond + ")";
        }
        // A call larger than one second of bytes could never pass: it passes alone on a full bucket, as Firehose
        // accepts any valid call on an idle stream.
        if (bytes < (double) Math.min(callBytes, bytesPerSecond)) {
            return "bytes per second (" + bytesPerSecond + ")";
        }
        requests -= 1;
        records -= callRecords;
        bytes -= (double) callBytes;
        return null;
    }
}
