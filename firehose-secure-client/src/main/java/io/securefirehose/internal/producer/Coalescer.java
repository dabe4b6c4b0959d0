package io.securefirehose.internal.producer;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.RecordReceipt;
import io.securefirehose.records.Coalescing;
import io.securefirehose.time.TaskScheduler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * Packs records into one payload ({@link Coalescing}) until the next would not fit, or {@code linger} after the
 * first, and hands each full payload with the futures of its records to the producer. Thread-safe: records are
 * added under one short lock (a copy into a reused buffer); payloads are handed over outside it.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class Coalescer {

    /** A packed payload, the buffer space its records hold, when it was opened and whose futures it carries. */
    @SuppressWarnings("ArrayRecordComponent") // handed over once, never compared or hashed
    public record Packed(
            byte[] payload, long bufferBytes, long openedNanos, List<CompletableFuture<RecordReceipt>> members) {}

    /** Receives full payloads, on the thread that filled them or on the scheduler when linger ran out. */
    public interface Output {
        void emit(Packed packed);
    }

    private final Coalescing.Framing framing;
    private final int maxPayloadBytes;
    private final long lingerNanos;
    private final TaskScheduler scheduler;
    private final Output output;
    private final Object lock = new Object();
    private final byte[] buffer; // guarded by lock
    private int length; // guarded by lock
    private long bufferBytes; // guarded by lock
    private long openedNanos; // guarded by lock
    private long generation; // guarded by lock
    private List<CompletableFuture<RecordReceipt>> members = new ArrayList<>(); // guarded by lock
    private boolean closed; // guarded by lock

    public Coalescer(
            Coalescing settings, int maxPayloadBytes, long lingerNanos, TaskScheduler scheduler, Output output) {
        this.framing = settings.framing();
        this.maxPayloadBytes = maxPayloadBytes;
        this.lingerNanos = lingerNanos;
        this.scheduler = scheduler;
        this.output = output;
        this.buffer = new byte[maxPayloadBytes];
    }

    /** The largest record accepted: a packed payload holding it alone, framing included. */
    int maxRecordBytes() {
        return maxPayloadBytes - (framing == Coalescing.Framing.LENGTH_PREFIXED ? 4 : 1);
    }

    /**
     * Refuses a record the framing cannot carry.
     *
     * @throws IllegalArgumentException for a newline-delimited record with a {@code '\n'} before its last byte
     */
    void check(byte[] record) {
        if (framing != Coalescing.Framing.NEWLINE) {
            return;
        }
        for (int i = 0; i < record.length - 1; i++) {
            if (record[i] == '\n') {
                throw new IllegalArgumentException("record contains a newline at byte " + i + " of " + record.length
                        + "; newline-delimited coalescing needs one record per line: remove it, or use"
                        + " Coalescing.lengthPrefixed()");
            }
        }
    }

    /**
     * Packs a record whose buffer space is already reserved.
     *
     * @return the record's future
     * @throws IllegalStateException if the producer was closed
     */
    public CompletableFuture<RecordReceipt> add(byte[] record, long cost) {
        CompletableFuture<RecordReceipt> future = new CompletableFuture<>();
        Packed full = null;
        long opened = -1;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("send after close: the producer was closed");
            }
            int framed = record.length + framingBytes(record);
            if (length > 0 && length + framed > maxPayloadBytes) {
                full = takeLocked();
            }
            if (length == 0) {
                openedNanos = scheduler.nanoTime();
                opened = ++generation;
            }
            if (framing == Coalescing.Framing.LENGTH_PREFIXED) {
                buffer[length] = (byte) (record.length >>> 24);
                buffer[length + 1] = (byte) (record.length >>> 16);
                buffer[length + 2] = (byte) (record.length >>> 8);
                buffer[length + 3] = (byte) record.length;
                length += 4;
            }
            System.arraycopy(record, 0, buffer, length, record.length);
            length += record.length;
            if (framed > record.length + (framing == Coalescing.Framing.LENGTH_PREFIXED ? 4 : 0)) {
                buffer[length++] = '\n';
            }
            bufferBytes += cost;
            members.add(future);
        }
        if (full != null) {
            output.emit(full);
        }
        if (opened > 0) {
            long due = opened;
            try {
                scheduler.schedule(() -> flush(due), lingerNanos, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                // close() flushes what is open.
            }
        }
        return future;
    }

    private int framingBytes(byte[] record) {
        if (framing == Coalescing.Framing.LENGTH_PREFIXED) {
            return 4;
        }
        return record.length > 0 && record[record.length - 1] == '\n' ? 0 : 1;
    }

    /** Sends what is packed now, if anything. */
    void flush() {
        flush(-1);
    }

    /** Sends what is packed if it is still payload {@code onlyGeneration} (or any, for -1). */
    private void flush(long onlyGeneration) {
        Packed packed = null;
        synchronized (lock) {
            if (length > 0 && (onlyGeneration < 0 || onlyGeneration == generation)) {
                packed = takeLocked();
            }
        }
        if (packed != null) {
            output.emit(packed);
        }
    }

    /** Refuses further records and sends what is packed. Idempotent. */
    void close() {
        synchronized (lock) {
            closed = true;
        }
        flush();
    }

    private Packed takeLocked() {
        Packed packed = new Packed(Arrays.copyOf(buffer, length), bufferBytes, openedNanos, members);
        length = 0;
        bufferBytes = 0;
        members = new ArrayList<>();
        return packed;
    }
}
