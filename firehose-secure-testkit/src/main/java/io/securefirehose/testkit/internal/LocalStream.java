package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.testkit.CapturedRecord;
import io.securefirehose.testkit.StreamPosture;
import io.securefirehose.testkit.StreamQuota;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/** State of one configured delivery stream: captured records, counters, and the optional object writer. */
@API(status = INTERNAL, since = "0.1.0")
public final class LocalStream {

    final String name;
    final String arn;
    final Instant createdAt;
    private final boolean capture;
    private final @Nullable S3StyleWriter writer;
    private final List<CapturedRecord> records = new ArrayList<>(); // guarded by this
    private final AtomicLong acceptedRecords = new AtomicLong();
    private final AtomicLong acceptedBytes = new AtomicLong();
    private volatile StreamPosture posture;

    public LocalStream(
            String name,
            String arn,
            Instant createdAt,
            boolean capture,
            @Nullable S3StyleWriter writer,
            StreamPosture posture) {
        this.posture = posture;
        this.name = name;
        this.arn = arn;
        this.createdAt = createdAt;
        this.capture = capture;
        this.writer = writer;
    }

    private volatile @Nullable QuotaBuckets quota;

    public StreamPosture posture() {
        return posture;
    }

    public void quota(@Nullable StreamQuota limits) {
        this.quota = limits == null
                ? null
                : new QuotaBuckets(
                        limits.recordsPerSecond(),
                        limits.requestsPerSecond(),
                        limits.bytesPerSecond(),
                        System.nanoTime());
    }

    /** Admits a call against the stream's quota; returns the exceeded rate, or {@code null} if admitted. */
    @Nullable
    String admit(int callRecords, long callBytes) {
        QuotaBuckets buckets = quota;
        return buckets == null ? null : buckets.admit(callRecords, callBytes, System.nanoTime());
    }

    public void posture(StreamPosture posture) {
        this.posture = posture;
    }

    /**
     * Accepts the records of one call that were not failed, in order, and returns their record ids (null where a
     * record was failed). {@code data} is null when neither capturing nor writing objects needs the bytes.
     */
    String[] accept(
            long requestSequence, int[] sizes, @Nullable List<byte[]> data, boolean[] failed, String instanceId) {
        String[] ids = new String[sizes.length];
        List<byte[]> accepted = writer == null || data == null ? null : new ArrayList<>(sizes.length);
        long bytes = 0;
        int count = 0;
        synchronized (this) {
            for (int i = 0; i < sizes.length; i++) {
                if (failed[i]) {
                    continue;
                }
                ids[i] = recordId(instanceId, requestSequence, i);
                bytes += sizes[i];
                count++;
                if (data != null) {
                    byte[] record = data.get(i);
                    if (capture) {
                        records.add(new CapturedRecord(name, ids[i], record, requestSequence, i));
                    }
                    if (accepted != null) {
                        accepted.add(record);
                    }
                }
            }
            if (writer != null && accepted != null && !accepted.isEmpty()) {
                writer.append(accepted);
            }
        }
        acceptedRecords.addAndGet(count);
        acceptedBytes.addAndGet(bytes);
        return ids;
    }

    public synchronized List<CapturedRecord> records() {
        return List.copyOf(records);
    }

    public synchronized void clear() {
        records.clear();
        acceptedRecords.set(0);
        acceptedBytes.set(0);
    }

    public long acceptedRecords() {
        return acceptedRecords.get();
    }

    public long acceptedBytes() {
        return acceptedBytes.get();
    }

    @Nullable
    public S3StyleWriter writer() {
        return writer;
    }

    private static String recordId(String instanceId, long requestSequence, int index) {
        // Opaque, unique per server instance, and long like Firehose's own ids.
        return instanceId + Long.toHexString(requestSequence) + "x" + Integer.toHexString(index);
    }
}
