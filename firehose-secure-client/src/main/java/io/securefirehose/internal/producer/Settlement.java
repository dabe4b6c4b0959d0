package io.securefirehose.internal.producer;

import io.securefirehose.LoggerNames;
import io.securefirehose.RecordReceipt;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.internal.flow.BufferMemory;
import io.securefirehose.internal.http.RequestFailure;
import io.securefirehose.internal.spill.AppendResult;
import io.securefirehose.internal.spill.SpillStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes records, once: frees their buffer space and slab before their callbacks run (so that a callback may
 * send again), completes or fails their futures, and tells their first batch, which flush waits on. Records that
 * would fail with a retriable cause go to the spill directory instead when one is configured. Confined to the
 * scheduler thread.
 */
final class Settlement {

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    private final String streamName;
    private final RecordAccumulator accumulator;
    private final BufferMemory memory;
    private final ProducerMeters metrics;
    private final LongAdder bufferedRecords;
    private final @Nullable SpillStore spill;
    private final Runnable onSpilled;

    Settlement(
            String streamName,
            RecordAccumulator accumulator,
            BufferMemory memory,
            ProducerMeters metrics,
            LongAdder bufferedRecords,
            @Nullable SpillStore spill,
            Runnable onSpilled) {
        this.streamName = streamName;
        this.accumulator = accumulator;
        this.memory = memory;
        this.metrics = metrics;
        this.bufferedRecords = bufferedRecords;
        this.spill = spill;
        this.onSpilled = onSpilled;
    }

    /**
     * Writes records that would fail with a retriable cause to the spill directory, completing their futures with
     * spilled receipts; without spill, or when a record cannot be spilled, it fails with its cause.
     *
     * @return how many records failed
     */
    int spillOrFail(List<PendingRecord> records, Function<PendingRecord, FirehoseSecureException> cause) {
        if (records.isEmpty()) {
            return 0;
        }
        SpillStore store = spill;
        if (store == null) {
            for (PendingRecord record : records) {
                fail(record, cause.apply(record), null);
            }
            return records.size();
        }
        List<byte[]> data = new ArrayList<>(records.size());
        for (PendingRecord record : records) {
            data.add(record.rawBytes());
        }
        AppendResult appended = store.append(data);
        int failed = 0;
        for (int i = 0; i < records.size(); i++) {
            PendingRecord record = records.get(i);
            String id = appended.id(i);
            if (id != null) {
                complete(record, RecordReceipt.spilledTo(id, record.attempts));
            } else {
                FirehoseSecureException e = cause.apply(record);
                e.addSuppressed(new IOException("not spilled: " + appended.refusal(i)));
                fail(record, e, null);
                failed++;
            }
        }
        if (failed < records.size()) {
            onSpilled.run();
            LOG.warn("stream {}: {} record(s) spilled to disk for replay", streamName, records.size() - failed);
        }
        return failed;
    }

    void complete(PendingRecord record, RecordReceipt receipt) {
        settle(record);
        record.complete(receipt);
        countOriginDone(record);
        record.forgetContents();
    }

    void fail(PendingRecord record, FirehoseSecureException cause, @Nullable String metricReason) {
        settle(record);
        if (metricReason != null) {
            metrics.recordsFailed(metricReason, 1);
        }
        record.completeExceptionally(cause);
        countOriginDone(record);
        record.forgetContents();
    }

    /** Frees the record's buffer space before its callbacks run, so that a callback may send again. */
    private void settle(PendingRecord record) {
        record.completed = true;
        record.releaseSlab();
        if (!record.fromSpill) {
            memory.release(record.bufferBytes);
            bufferedRecords.decrement();
        }
    }

    /** Only after the record's future completed: flush() must not return before every future is done. */
    private void countOriginDone(PendingRecord record) {
        RecordBatch origin = record.origin;
        if (origin != null) {
            origin.originRecordCompleted();
            if (origin.allCompleted().isDone()) {
                accumulator.originCompleted(origin);
            }
        }
    }

    /** Fails a record whose call Firehose refused for good, with the refusal's typed cause when it has one. */
    void failRefused(PendingRecord record, RequestFailure failure) {
        if (failure.cause() instanceof FirehoseSecureException typed) {
            fail(record, typed, failure.code());
            return;
        }
        fail(
                record,
                new DeliveryFailedException(
                        "Firehose refused the records of stream '" + streamName + "' with " + failure.code() + ": "
                                + failure.message()
                                + " (not retriable: check that the stream exists in this region and that"
                                + " the credentials may put records to it)",
                        failure.code(),
                        record.attempts,
                        false,
                        failure.cause()),
                failure.code());
    }

    /**
     * Settles what is left when the producer closes: records of its own are spilled (when configured) or fail with
     * {@link ProducerClosedException}; replayed records fail too, and their segments stay for the next start.
     */
    void failAtClose(List<PendingRecord> leftovers) {
        List<PendingRecord> open = new ArrayList<>();
        int replaysLeft = 0;
        for (PendingRecord record : leftovers) {
            if (record.completed) {
                continue;
            }
            if (record.fromSpill) {
                // Its segment stays on disk and is replayed at the next start.
                fail(record, new ProducerClosedException(record.attempts, record.inFlight), null);
                replaysLeft++;
            } else {
                open.add(record);
            }
        }
        int failed = spillOrFail(open, record -> new ProducerClosedException(record.attempts, record.inFlight));
        if (failed > 0) {
            metrics.recordsFailed("closed", failed);
            LOG.warn("producer for stream {} closed with {} record(s) not delivered", streamName, failed);
        }
        if (replaysLeft > 0) {
            LOG.info(
                    "producer for stream {} closed while replaying; {} record(s) stay spilled for the next start",
                    streamName,
                    replaysLeft);
        }
    }
}
