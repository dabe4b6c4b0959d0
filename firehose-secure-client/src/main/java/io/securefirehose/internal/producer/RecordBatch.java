package io.securefirehose.internal.producer;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.tracing.ProducerTracing;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Records that travel in one {@code PutRecordBatch} call.
 *
 * <p>A batch made by the accumulator is also the "origin" of its records: it counts those of them not yet
 * completed, wherever retries take them, and completes {@link #allCompleted()} when the count reaches zero.
 * {@code flush()} waits on that. Batches made for retries are never origins.
 *
 * <p>While open, a batch is guarded by the accumulator's lock; once sealed, only the scheduler thread touches it.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class RecordBatch {

    final long createdNanos;
    final List<PendingRecord> records;
    private long bytes;
    private int unfinished;
    private final CompletableFuture<Void> allCompleted = new CompletableFuture<>();
    private long requestStartNanos;
    /** Distinct send-time contexts of its records, for tracing; {@code null} until one is added. */
    private @Nullable List<Object> sendContexts;

    RecordBatch(long createdNanos, int expectedRecords) {
        this.createdNanos = createdNanos;
        this.records = new ArrayList<>(expectedRecords);
    }

    /** The batch's records in send order: a read-only view, for callers outside the engine (benchmarks). */
    public List<PendingRecord> records() {
        return Collections.unmodifiableList(records);
    }

    /** Adds an accepted record and makes this batch its origin. */
    void appendNew(PendingRecord record) {
        records.add(record);
        bytes += record.length;
        record.origin = this;
        unfinished++;
    }

    /**
     * Remembers the context a record of this batch was sent in, up to {@link ProducerTracing#MAX_LINKS_PER_CALL}
     * distinct ones. Accumulator lock held.
     */
    void addSendContext(Object context) {
        List<Object> contexts = sendContexts;
        if (contexts == null) {
            contexts = new ArrayList<>();
            sendContexts = contexts;
        }
        // Records sent in a row usually share their context: the last one is the likely match.
        if (contexts.size() < ProducerTracing.MAX_LINKS_PER_CALL
                && (contexts.isEmpty() || !contexts.get(contexts.size() - 1).equals(context))
                && !contexts.contains(context)) {
            contexts.add(context);
        }
    }

    /** Distinct send-time contexts of the records first appended here, or {@code null}. */
    @Nullable
    List<Object> sendContexts() {
        return sendContexts;
    }

    /** Adds a record that is being retried; its origin stays where it was. */
    void appendRetry(PendingRecord record) {
        records.add(record);
        bytes += record.length;
    }

    boolean hasRoomFor(int recordBytes, int maxRecords, int maxBytes) {
        return records.size() < maxRecords && bytes + recordBytes <= maxBytes;
    }

    int size() {
        return records.size();
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    long bytes() {
        return bytes;
    }

    /** Drops records that were completed (for example expired) before the batch was sent. */
    void removeCompleted() {
        if (records.removeIf(r -> r.completed)) {
            long total = 0;
            for (PendingRecord record : records) {
                total += record.length;
            }
            bytes = total;
        }
    }

    /** Called once for each record of which this batch is the origin, when that record completes. */
    void originRecordCompleted() {
        if (--unfinished == 0) {
            allCompleted.complete(null);
        }
    }

    CompletableFuture<Void> allCompleted() {
        return allCompleted;
    }

    void markRequestStart(long nowNanos) {
        requestStartNanos = nowNanos;
    }

    long requestStartNanos() {
        return requestStartNanos;
    }
}
