package io.securefirehose.internal.producer;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Records waiting to be sent again: groups waiting out their backoff, ordered by when they are due, and the records
 * whose backoff is over, in the order they became due. Confined to the scheduler thread.
 */
final class RetryQueue {

    private record Waiting(long dueNanos, List<PendingRecord> records) {}

    private final ArrayDeque<PendingRecord> ready = new ArrayDeque<>();
    private final PriorityQueue<Waiting> waiting =
            new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos - b.dueNanos, 0));

    /** Records that may go out at once (read back from the spill directory). */
    void addReady(List<PendingRecord> records) {
        ready.addAll(records);
    }

    /** Records that may go out again from {@code dueNanos} on. */
    void addWaiting(List<PendingRecord> records, long dueNanos) {
        waiting.add(new Waiting(dueNanos, records));
    }

    /** Moves every group whose backoff is over at {@code nowNanos} to the ready records. */
    void promoteDue(long nowNanos) {
        while (!waiting.isEmpty() && nowNanos - waiting.peek().dueNanos() >= 0) {
            ready.addAll(waiting.poll().records());
        }
    }

    /**
     * The next batch of ready records within the batch limits, oldest first, skipping records already completed
     * (timed out while they waited); {@code null} when none is ready.
     */
    @Nullable
    RecordBatch nextBatch(int maxBatchRecords, int maxBatchBytes) {
        RecordBatch batch = null;
        while (!ready.isEmpty()) {
            PendingRecord record = ready.peekFirst();
            if (record.completed) {
                ready.pollFirst();
                continue;
            }
            if (batch == null) {
                batch = new RecordBatch(record.enqueuedNanos, Math.min(ready.size(), maxBatchRecords));
            } else if (!batch.hasRoomFor(record.length, maxBatchRecords, maxBatchBytes)) {
                break;
            }
            batch.appendRetry(ready.pollFirst());
        }
        return batch;
    }

    /** Visits every queued record: the waiting ones, oldest group first, then the ready ones. */
    void forEach(Consumer<PendingRecord> visitor) {
        for (Waiting group : waiting) {
            group.records().forEach(visitor);
        }
        ready.forEach(visitor);
    }

    /** Empties the queue, returning the ready records, then the waiting ones. */
    List<PendingRecord> takeAll() {
        List<PendingRecord> all = new ArrayList<>(ready);
        ready.clear();
        for (Waiting group : waiting) {
            all.addAll(group.records());
        }
        waiting.clear();
        return all;
    }
}
