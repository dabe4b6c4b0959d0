package io.securefirehose.internal.producer;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One pooled array that holds many small records, base64-encoded, one after another. It counts the records it holds
 * that have not completed (plus one while the accumulator still writes into it) and goes back to its
 * {@link SlabPool} when the count reaches zero.
 *
 * <p>Written only under the accumulator's lock; a record's bytes are read by the thread that sends or spills it,
 * after the batch that carries it was handed over to the scheduler thread (a happens-before edge). The count is
 * atomic: callers add records while the scheduler thread completes others.
 */
final class RecordSlab {

    private final byte[] bytes;
    private final SlabPool pool;
    private final AtomicInteger holders = new AtomicInteger(1); // the writer's hold
    private int used; // guarded by the accumulator's lock

    RecordSlab(byte[] bytes, SlabPool pool) {
        this.bytes = bytes;
        this.pool = pool;
    }

    /** Whether {@code length} more bytes fit. Accumulator lock held. */
    boolean fits(int length) {
        return bytes.length - used >= length;
    }

    /**
     * Copies a record's encoded bytes in and counts the record as a holder. Accumulator lock held.
     *
     * @return the offset the record starts at
     */
    int append(byte[] encoded, int length) {
        int at = used;
        System.arraycopy(encoded, 0, bytes, at, length);
        used = at + length;
        holders.incrementAndGet();
        return at;
    }

    byte[] bytes() {
        return bytes;
    }

    /** Drops one hold (a record completed or moved out, or the writer moved on); the last returns the array. */
    void release() {
        int left = holders.decrementAndGet();
        if (left == 0) {
            pool.recycle(bytes);
        } else if (left < 0) {
            throw new IllegalStateException("record slab released more often than it was held");
        }
    }
}
