package io.securefirehose.internal;

import io.securefirehose.RecordReceipt;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One accepted record on its way to Firehose. Created on the caller's thread; after it is appended to a batch,
 * only the scheduler thread reads or writes its mutable fields.
 */
final class PendingRecord {

    final byte[] data;
    final CompletableFuture<RecordReceipt> future;
    final long enqueuedNanos;
    final long deadlineNanos;
    final long bufferBytes;
    /** Read back from the spill directory: not the caller's, holds no buffer space, never spilled at close. */
    final boolean fromSpill;

    /** The batch the record was first appended to; it counts the record until the record completes. */
    @Nullable
    RecordBatch origin;

    int attempts;
    boolean completed;
    boolean inFlight;

    @Nullable
    String lastErrorCode;

    @Nullable
    Throwable lastError;

    PendingRecord(byte[] data, long enqueuedNanos, long deadlineNanos, long bufferBytes) {
        this(data, enqueuedNanos, deadlineNanos, bufferBytes, new CompletableFuture<>());
    }

    /** A record whose future was handed out before it was appended (it waited for a data key). */
    PendingRecord(
            byte[] data,
            long enqueuedNanos,
            long deadlineNanos,
            long bufferBytes,
            CompletableFuture<RecordReceipt> future) {
        this.data = data;
        this.future = future;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
        this.bufferBytes = bufferBytes;
        this.fromSpill = false;
    }

    /** A record read back from the spill directory for replay. */
    private PendingRecord(byte[] data, long nowNanos, long deadlineNanos) {
        this.data = data;
        this.future = new CompletableFuture<>();
        this.enqueuedNanos = nowNanos;
        this.deadlineNanos = deadlineNanos;
        this.bufferBytes = 0;
        this.fromSpill = true;
    }

    static PendingRecord replayed(byte[] data, long nowNanos, long deadlineNanos) {
        return new PendingRecord(data, nowNanos, deadlineNanos);
    }

    boolean isExpired(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }
}
