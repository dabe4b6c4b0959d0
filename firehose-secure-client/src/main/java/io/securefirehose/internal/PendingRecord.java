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
    }

    boolean isExpired(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }
}
