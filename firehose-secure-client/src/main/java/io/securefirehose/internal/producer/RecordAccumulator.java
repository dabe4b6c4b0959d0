package io.securefirehose.internal.producer;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.records.FirehoseLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Collects accepted records into batches that respect the batch limits.
 *
 * <p>Callers append under one short lock (the only lock on the send path). A batch is sealed when it is full,
 * when {@code flush} or {@code close} asks, or when the scheduler thread takes it after {@code linger}. Sealed
 * batches wait in a lock-free queue for the scheduler thread.
 *
 * <p>Small records arrive base64-encoded and are copied, under the same lock, into the slab being written (see
 * {@link RecordSlab}); when it is full the accumulator lets go of it and takes the next one from its pool.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class RecordAccumulator {

    /** {@link #append} result bit: the record started a new batch, which needs a linger timer. */
    static final int NEW_BATCH = 1;

    /** {@link #append} result bit: a batch was sealed and is ready to send. */
    static final int SEALED = 2;

    private final int maxRecords;
    private final int maxBytes;
    private final ReentrantLock lock = new ReentrantLock();
    private final Queue<RecordBatch> sealed = new ConcurrentLinkedQueue<>();
    private final Set<RecordBatch> incompleteOrigins = ConcurrentHashMap.newKeySet();
    private final SlabPool slabs;
    private @Nullable RecordSlab slab; // the slab being written; guarded by lock
    private @Nullable RecordBatch open; // guarded by lock
    private boolean closed; // guarded by lock
    private volatile int callBytesCap = Integer.MAX_VALUE;

    public RecordAccumulator(int maxRecords, int maxBytes, SlabPool slabs) {
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.slabs = slabs;
    }

    /**
     * Appends an accepted record.
     *
     * @return a combination of {@link #NEW_BATCH} and {@link #SEALED}
     * @throws IllegalStateException if the accumulator was closed
     */
    int append(PendingRecord record) {
        return append(record, null, 0, null);
    }

    /**
     * As {@link #append(PendingRecord)}, remembering the context the record was sent in for tracing.
     *
     * @param sendContext from {@link io.securefirehose.tracing.ProducerTracing#sendContext()}, or {@code null}
     */
    int append(PendingRecord record, @Nullable Object sendContext) {
        return append(record, null, 0, sendContext);
    }

    /**
     * Appends an accepted record whose base64 is the first {@code encodedLength} bytes of {@code encoded} (the
     * caller's scratch array): the base64 is copied into a pooled slab, so the record needs no array of its own.
     *
     * @return a combination of {@link #NEW_BATCH} and {@link #SEALED}
     * @throws IllegalStateException if the accumulator was closed
     */
    public int appendEncoded(PendingRecord record, byte[] encoded, int encodedLength) {
        return appendEncoded(record, encoded, encodedLength, null);
    }

    /** As {@link #appendEncoded(PendingRecord, byte[], int)}, remembering the record's send-time context. */
    int appendEncoded(PendingRecord record, byte[] encoded, int encodedLength, @Nullable Object sendContext) {
        if (encodedLength > SlabPool.SLAB_BYTES) {
            throw new IllegalArgumentException("a record of " + encodedLength + " bytes of base64 does not fit a "
                    + SlabPool.SLAB_BYTES + "-byte slab");
        }
        return append(record, encoded, encodedLength, sendContext);
    }

    private int append(
            PendingRecord record, byte @Nullable [] encoded, int encodedLength, @Nullable Object sendContext) {
        int length = record.length;
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException(
                        "send after close: this producer was closed and accepts no more records");
            }
            if (encoded != null) {
                storeLocked(record, encoded, encodedLength);
            }
            int result = 0;
            int batchBytes = Math.min(maxBytes, callBytesCap);
            RecordBatch batch = open;
            if (batch != null && !batch.hasRoomFor(length, maxRecords, batchBytes)) {
                sealLocked(batch);
                result |= SEALED;
                batch = null;
            }
            if (batch == null) {
                // Room for a full batch at once (2 KB at 500 records): a loaded producer fills it, and growing the
                // list step by step would copy it six times.
                batch = new RecordBatch(
                        record.enqueuedNanos, Math.min(maxRecords, FirehoseLimits.MAX_RECORDS_PER_BATCH));
                open = batch;
                incompleteOrigins.add(batch);
                result |= NEW_BATCH;
            }
            batch.appendNew(record);
            if (sendContext != null) {
                batch.addSendContext(sendContext);
            }
            if (batch.size() == maxRecords || batch.bytes() >= batchBytes) {
                sealLocked(batch);
                result |= SEALED;
            }
            return result;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Caps the record bytes of batches filled from now on below {@code maxBytes} (the rate controller's
     * {@link io.securefirehose.internal.flow.RateController#callBytes}); a batch still takes at least one record.
     * Any thread.
     */
    void capBatchBytes(int bytes) {
        callBytesCap = bytes;
    }

    /** Next sealed batch, or {@code null}. Scheduler thread. */
    @Nullable
    public RecordBatch pollSealed() {
        return sealed.poll();
    }

    /** Sealed batches in the order they will be sent, for expiry checks. Scheduler thread. */
    Iterable<RecordBatch> sealedView() {
        return sealed;
    }

    /**
     * Takes the open batch if its oldest record has waited at least {@code lingerNanos}, or unconditionally if
     * {@code force}. Scheduler thread.
     */
    @Nullable
    RecordBatch takeOpen(long nowNanos, long lingerNanos, boolean force) {
        lock.lock();
        try {
            RecordBatch batch = open;
            if (batch == null || (!force && nowNanos - batch.createdNanos < lingerNanos)) {
                return null;
            }
            open = null;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    /** Seals the open batch if its oldest record's deadline has passed, so that expiry checks can see it. */
    void sealOpenIfExpired(long nowNanos) {
        lock.lock();
        try {
            RecordBatch batch = open;
            if (batch != null && !batch.isEmpty() && batch.records.get(0).isExpired(nowNanos)) {
                sealLocked(batch);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Seals the open batch and returns a future that completes when every record accepted so far has completed.
     */
    CompletableFuture<Void> sealAndAwaitAll() {
        List<CompletableFuture<Void>> pending;
        lock.lock();
        try {
            if (open != null) {
                sealLocked(open);
            }
            pending = new ArrayList<>(incompleteOrigins.size());
            for (RecordBatch batch : incompleteOrigins) {
                pending.add(batch.allCompleted());
            }
        } finally {
            lock.unlock();
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]));
    }

    /** Refuses further appends and seals the open batch. Idempotent. */
    void close() {
        lock.lock();
        try {
            closed = true;
            RecordSlab current = slab;
            if (current != null) {
                slab = null;
                current.release();
            }
            if (open != null) {
                sealLocked(open);
            }
        } finally {
            lock.unlock();
        }
    }

    /** How many batches still have records that have not completed (what {@code flush} would wait for). */
    int incompleteBatches() {
        return incompleteOrigins.size();
    }

    /** Called by the scheduler thread when every record of an origin batch has completed. */
    public void originCompleted(RecordBatch batch) {
        incompleteOrigins.remove(batch);
    }

    private void storeLocked(PendingRecord record, byte[] encoded, int encodedLength) {
        RecordSlab current = slab;
        if (current == null || !current.fits(encodedLength)) {
            if (current != null) {
                current.release(); // the writer's hold: the slab returns once its records complete
            }
            current = slabs.take();
            slab = current;
        }
        record.storedIn(current, current.append(encoded, encodedLength));
    }

    private void sealLocked(RecordBatch batch) {
        sealed.add(batch);
        if (open == batch) {
            open = null;
        }
    }
}
