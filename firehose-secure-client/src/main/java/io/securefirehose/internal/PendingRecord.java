package io.securefirehose.internal;

import io.securefirehose.RecordReceipt;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * One accepted record on its way to Firehose. Created on the caller's thread; after it is appended to a batch,
 * only the scheduler thread reads or writes its mutable fields.
 */
final class PendingRecord {

    /** The record's bytes in an array of its own; {@code null} when it is held base64-encoded instead. */
    final byte @Nullable [] data;

    /** The record's size in bytes (as sent, before base64). */
    final int length;

    /**
     * The record's base64, starting at {@link #encodedOffset}: in a {@link #slab}, or in an array of its own once
     * moved out of it; {@code null} when {@link #data} holds the record.
     */
    byte @Nullable [] encoded;

    int encodedOffset;

    /** The slab holding {@link #encoded}, held until the record completes or moves out. */
    @Nullable
    RecordSlab slab;

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
        this(data, data.length, enqueuedNanos, deadlineNanos, bufferBytes, new CompletableFuture<>(), false);
    }

    /** A record whose future was handed out before it was appended (it waited for a data key). */
    PendingRecord(
            byte[] data,
            long enqueuedNanos,
            long deadlineNanos,
            long bufferBytes,
            CompletableFuture<RecordReceipt> future) {
        this(data, data.length, enqueuedNanos, deadlineNanos, bufferBytes, future, false);
    }

    /** A record that the accumulator stores base64-encoded in a slab ({@link #storedIn}). */
    PendingRecord(
            int length,
            long enqueuedNanos,
            long deadlineNanos,
            long bufferBytes,
            CompletableFuture<RecordReceipt> future) {
        this(null, length, enqueuedNanos, deadlineNanos, bufferBytes, future, false);
    }

    private PendingRecord(
            byte @Nullable [] data,
            int length,
            long enqueuedNanos,
            long deadlineNanos,
            long bufferBytes,
            CompletableFuture<RecordReceipt> future,
            boolean fromSpill) {
        this.data = data;
        this.length = length;
        this.future = future;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
        this.bufferBytes = bufferBytes;
        this.fromSpill = fromSpill;
    }

    /** A record read back from the spill directory for replay. */
    static PendingRecord replayed(byte[] data, long nowNanos, long deadlineNanos) {
        return new PendingRecord(data, data.length, nowNanos, deadlineNanos, 0, new CompletableFuture<>(), true);
    }

    /** Records where the accumulator stored the record's base64. Accumulator lock held. */
    void storedIn(RecordSlab holder, int offset) {
        slab = holder;
        encoded = holder.bytes();
        encodedOffset = offset;
    }

    /** Length of the record's base64. */
    int encodedLength() {
        return (int) PutRecordBatchBody.base64Length(length);
    }

    /**
     * The record's bytes as sent; decodes (a new array) when the record is held encoded. For the rare paths (spill,
     * the SDK client path); the lean path reads {@link #encoded} directly.
     */
    byte[] rawBytes() {
        byte[] own = data;
        if (own != null) {
            return own;
        }
        byte[] base64 = java.util.Objects.requireNonNull(encoded, "record bytes already released");
        java.nio.ByteBuffer decoded =
                java.util.Base64.getDecoder().decode(java.nio.ByteBuffer.wrap(base64, encodedOffset, encodedLength()));
        byte[] array = decoded.array();
        if (decoded.arrayOffset() == 0 && decoded.position() == 0 && decoded.remaining() == array.length) {
            return array; // the decoder's own array, of the exact size: no second copy
        }
        byte[] bytes = new byte[decoded.remaining()];
        decoded.get(bytes);
        return bytes;
    }

    /**
     * Copies the record's base64 out of its slab, so that a record waiting for a retry does not keep a whole slab
     * of completed records alive. Scheduler thread.
     */
    void moveOutOfSlab() {
        RecordSlab holder = slab;
        byte[] base64 = encoded;
        if (holder == null || base64 == null) {
            return;
        }
        encoded = java.util.Arrays.copyOfRange(base64, encodedOffset, encodedOffset + encodedLength());
        encodedOffset = 0;
        slab = null;
        holder.release();
    }

    /** Gives the slab back once the record completed; its bytes must not be read after this. Scheduler thread. */
    void releaseSlab() {
        RecordSlab holder = slab;
        if (holder != null) {
            slab = null;
            encoded = null;
            holder.release();
        }
    }

    boolean isExpired(long nowNanos) {
        return nowNanos - deadlineNanos >= 0;
    }
}
