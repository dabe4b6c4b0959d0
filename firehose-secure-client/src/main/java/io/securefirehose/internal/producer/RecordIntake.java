package io.securefirehose.internal.producer;

import io.securefirehose.RecordReceipt;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.internal.crypto.ParkedRecord;
import io.securefirehose.internal.crypto.RecordEncryptor;
import io.securefirehose.internal.flow.BufferMemory;
import io.securefirehose.internal.wire.PutRecordBatchBody;
import io.securefirehose.tracing.ProducerTracing;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/**
 * Turns an accepted record, whose buffer space is reserved, into a {@link PendingRecord} in the accumulator:
 * sealed first when encrypting (or parked until a data key arrives), written as base64 into a slab when small,
 * and the sender woken when a batch fills. Packed coalesced payloads come in here too. Runs on the caller's thread;
 * parked records arrive on the scheduler thread.
 */
final class RecordIntake {

    private final BufferMemory memory;
    private final RecordAccumulator accumulator;
    private final Sender sender;
    private final @Nullable RecordEncryptor encryptor;
    private final ProducerMeters metrics;
    private final LongAdder bufferedRecords;
    private final boolean recordsInSlabs;
    private final long deliveryTimeoutNanos;
    private volatile @Nullable ProducerTracing tracing;

    RecordIntake(
            BufferMemory memory,
            RecordAccumulator accumulator,
            Sender sender,
            @Nullable RecordEncryptor encryptor,
            ProducerMeters metrics,
            LongAdder bufferedRecords,
            boolean recordsInSlabs,
            long deliveryTimeoutNanos) {
        this.memory = memory;
        this.accumulator = accumulator;
        this.sender = sender;
        this.encryptor = encryptor;
        this.metrics = metrics;
        this.bufferedRecords = bufferedRecords;
        this.recordsInSlabs = recordsInSlabs;
        this.deliveryTimeoutNanos = deliveryTimeoutNanos;
    }

    /** Captures each record's send-time context from now on; set once, before the first send. */
    void traceSends(ProducerTracing sends) {
        tracing = sends;
    }

    /** Where the encryptor hands records that waited for a data key. */
    RecordEncryptor.Sink parkedRecords() {
        return new ParkedRecords();
    }

    /** A full packed payload goes out as one Firehose record; its records' futures follow that record's. */
    // The carrier's callback settles every member; the future whenComplete returns has nothing to add.
    @SuppressWarnings("FutureReturnValueIgnored")
    void emitPacked(Coalescer.Packed packed) {
        CompletableFuture<RecordReceipt> carrier;
        try {
            carrier = sealAndAppend(packed.payload(), packed.bufferBytes(), packed.openedNanos(), false);
        } catch (IllegalStateException closedProducer) {
            // Memory was released by sealAndAppend; the records were accepted, so they fail rather than vanish.
            metrics.recordsFailed("closed", 1);
            carrier = CompletableFuture.failedFuture(new ProducerClosedException(0, false));
        }
        carrier.whenComplete((receipt, error) -> {
            for (CompletableFuture<RecordReceipt> member : packed.members()) {
                if (error == null) {
                    member.complete(receipt);
                } else {
                    member.completeExceptionally(error);
                }
            }
        });
    }

    /**
     * Encrypts first when encryption is on; a record that finds no data key ready waits for one, in order. A record
     * kept past this call is copied first if {@code callerKeepsArray}.
     */
    CompletableFuture<RecordReceipt> sealAndAppend(
            byte[] data, long cost, long enqueuedNanos, boolean callerKeepsArray) {
        RecordEncryptor sealing = encryptor;
        if (sealing == null) {
            return append(data, !callerKeepsArray, cost, enqueuedNanos);
        }
        byte[] frame = null;
        boolean sealed = false;
        try {
            frame = sealing.trySeal(data);
            sealed = true;
        } finally {
            if (!sealed) {
                memory.release(cost);
            }
        }
        if (frame != null) {
            return append(frame, true, cost, enqueuedNanos);
        }
        ParkedRecord parked = new ParkedRecord(
                callerKeepsArray ? data.clone() : data,
                cost,
                enqueuedNanos,
                enqueuedNanos + deliveryTimeoutNanos,
                new CompletableFuture<>());
        bufferedRecords.increment();
        try {
            sealing.park(parked);
        } catch (IllegalStateException closedProducer) {
            bufferedRecords.decrement();
            memory.release(cost);
            throw closedProducer;
        }
        return parked.future;
    }

    /** Receives records that waited for a data key; on the scheduler thread. */
    private final class ParkedRecords implements RecordEncryptor.Sink {
        @Override
        public void sealed(ParkedRecord record, byte[] frame) {
            PendingRecord pending =
                    new PendingRecord(frame, record.enqueuedNanos, record.deadlineNanos, record.bufferBytes);
            pending.completes(record.future);
            int result;
            try {
                result = accumulator.append(pending);
            } catch (IllegalStateException closedProducer) {
                failed(record, new ProducerClosedException(0, false));
                return;
            }
            signalSender(result);
        }

        @Override
        public void failed(ParkedRecord record, FirehoseSecureException cause) {
            memory.release(record.bufferBytes);
            bufferedRecords.decrement();
            metrics.recordsFailed(cause instanceof ProducerClosedException ? "closed" : "encryption", 1);
            record.future.completeExceptionally(cause);
        }
    }

    /**
     * Appends a record: a small one as base64 in a pooled slab (read now, so {@code data} is not kept), a larger one
     * in its own array ({@code data} itself if {@code mayKeepArray}, else a copy).
     */
    private CompletableFuture<RecordReceipt> append(byte[] data, boolean mayKeepArray, long cost, long enqueuedNanos) {
        long deadline = enqueuedNanos + deliveryTimeoutNanos;
        boolean inSlab = recordsInSlabs && data.length <= SlabPool.MAX_SLAB_RECORD_BYTES;
        PendingRecord record = inSlab
                ? new PendingRecord(data.length, enqueuedNanos, deadline, cost)
                : new PendingRecord(mayKeepArray ? data : data.clone(), enqueuedNanos, deadline, cost);
        ProducerTracing traced = tracing;
        Object sendContext = traced == null ? null : traced.sendContext();
        bufferedRecords.increment();
        int result;
        try {
            if (inSlab) {
                byte[] base64 = PutRecordBatchBody.encodeIntoScratch(data);
                result = accumulator.appendEncoded(record, base64, record.encodedLength(), sendContext);
            } else {
                result = accumulator.append(record, sendContext);
            }
        } catch (IllegalStateException closedProducer) {
            bufferedRecords.decrement();
            memory.release(cost);
            throw closedProducer;
        }
        signalSender(result);
        return record;
    }

    /** A sealed batch wakes the sender now; a new open batch asks it to look again once the batch lingered. */
    private void signalSender(int appendResult) {
        if ((appendResult & RecordAccumulator.SEALED) != 0) {
            sender.wakeup();
        } else if ((appendResult & RecordAccumulator.NEW_BATCH) != 0) {
            sender.batchStarted();
        }
    }
}
