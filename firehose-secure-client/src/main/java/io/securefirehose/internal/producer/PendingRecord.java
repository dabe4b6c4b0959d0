package io.securefirehose.internal.producer;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.RecordReceipt;
import io.securefirehose.internal.wire.OutboundRecord;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * One accepted record on its way to Firehose, and the future {@code send} handed out for it. Created on the caller's
 * thread; after it is appended to a batch, only the scheduler thread reads or writes its mutable fields, and only
 * the scheduler thread completes it.
 *
 * <p>Why the record is its own future: at small records a full buffer holds hundreds of thousands of them, and every
 * young collection copies what is live. One object of 80 bytes instead of a record and a future (104 bytes in two
 * objects) is a quarter less to copy (docs/performance.md, "One object per buffered record"). Once settled it lets go
 * of its bytes, its batch and its last error, so that a caller who keeps the future keeps only the receipt.
 * Dependent stages ({@code thenApply} and the like) are plain {@link CompletableFuture}s.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class PendingRecord extends CompletableFuture<RecordReceipt> implements OutboundRecord {

    /**
     * The record's bytes in an array of its own; {@code null} when it is held base64-encoded instead, or once the
     * record is settled.
     */
    byte @Nullable [] data;

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

    final long enqueuedNanos;
    final long deadlineNanos;
    /** Buffer space the record holds: below 2 GiB, as a record is at most 1,024,000 bytes plus a fixed overhead. */
    final int bufferBytes;
    /** Read back from the spill directory: not the caller's, holds no buffer space, never spilled at close. */
    final boolean fromSpill;

    /** The batch the record was first appended to; it counts the record until the record completes. */
    @Nullable
    RecordBatch origin;

    int attempts;
    public boolean completed;
    boolean inFlight;

    @Nullable
    String lastErrorCode;

    @Nullable
    Throwable lastError;

    /** A record held in an array of its own. */
    public PendingRecord(byte[] data, long enqueuedNanos, long deadlineNanos, long bufferBytes) {
        this(data, data.length, enqueuedNanos, deadlineNanos, bufferBytes, false);
    }

    /** A record that the accumulator stores base64-encoded in a slab ({@link #storedIn}). */
    public PendingRecord(int length, long enqueuedNanos, long deadlineNanos, long bufferBytes) {
        this(null, length, enqueuedNanos, deadlineNanos, bufferBytes, false);
    }

    private PendingRecord(
            byte @Nullable [] data,
            int length,
            long enqueuedNanos,
            long deadlineNanos,
            long bufferBytes,
            boolean fromSpill) {
        this.data = data;
        this.length = length;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
        this.bufferBytes = Math.toIntExact(bufferBytes);
        this.fromSpill = fromSpill;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public byte @Nullable [] data() {
        return data;
    }

    @Override
    public byte @Nullable [] encoded() {
        return encoded;
    }

    @Override
    public int encodedOffset() {
        return encodedOffset;
    }

    @Override
    public int attempts() {
        return attempts;
    }

    /** Those of the batch it was first appended to: they stay with the batch, not with each record. */
    @Override
    public @Nullable List<Object> sendContexts() {
        RecordBatch first = origin;
        return first == null ? null : first.sendContexts();
    }

    /** A record read back from the spill directory for replay. */
    static PendingRecord replayed(byte[] data, long nowNanos, long deadlineNanos) {
        return new PendingRecord(data, data.length, nowNanos, deadlineNanos, 0, true);
    }

    /**
     * Completes {@code handedOut} (a future given to the caller before this record existed) as this record completes,
     * before this record's own completion returns.
     */
    // The stage whenComplete returns only mirrors this record; the forwarding is all that is wanted.
    @SuppressWarnings("FutureReturnValueIgnored")
    void completes(CompletableFuture<RecordReceipt> handedOut) {
        whenComplete((receipt, error) -> {
            if (error == null) {
                handedOut.complete(receipt);
            } else {
                handedOut.completeExceptionally(error);
            }
        });
    }

    /** Lets go of what only an unsettled record needs, so that a kept future keeps only its outcome. */
    void forgetContents() {
        data = null;
        origin = null;
        lastError = null;
    }

    /** Records where the accumulator stored the record's base64. Accumulator lock held. */
    void storedIn(RecordSlab holder, int offset) {
        slab = holder;
        encoded = holder.bytes();
        encodedOffset = offset;
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
        encoded = Arrays.copyOfRange(base64, encodedOffset, encodedOffset + encodedLength());
        encodedOffset = 0;
        slab = null;
        holder.release();
    }

    /** Gives the slab back once the record completed; its bytes must not be read after this. Scheduler thread. */
    public void releaseSlab() {
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
