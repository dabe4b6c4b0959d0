package io.securefirehose.internal.producer;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.concurrent.ArrayBlockingQueue;
import org.apiguardian.api.API;

/**
 * Reusable arrays for {@link RecordSlab}s, so that small records cost no allocation and the buffered data lives in
 * long-lived arrays instead of young garbage that every collection must copy. Keeps at most as many idle arrays as
 * the producer's buffer takes in base64 (plus two); beyond that, returned arrays are left to the garbage collector.
 * Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SlabPool {

    /** Size of one slab. */
    static final int SLAB_BYTES = 64 * 1024;

    /**
     * Records up to this size (as given to {@code send}) go into slabs; larger ones keep their own array, where a
     * copy costs little next to sending them. Base64 of this size is a quarter of a slab, so a slab wastes at most
     * a quarter of itself at its end.
     */
    public static final int MAX_SLAB_RECORD_BYTES = 12 * 1024;

    private final ArrayBlockingQueue<byte[]> idle;

    /**
     * @param maxBufferedBytes the producer's buffer limit; the pool keeps as many idle slabs as that takes in
     *     base64
     */
    public SlabPool(long maxBufferedBytes) {
        long encoded = maxBufferedBytes / 3 * 4;
        this.idle = new ArrayBlockingQueue<>((int) Math.min(1 << 16, encoded / SLAB_BYTES + 2));
    }

    /** A slab to write records into, with the writer's hold. */
    RecordSlab take() {
        byte[] bytes = idle.poll();
        return new RecordSlab(bytes != null ? bytes : new byte[SLAB_BYTES], this);
    }

    /**
     * Takes an array back for reuse.
     *
     * @return whether it was kept; when the pool is full, the array is left to the garbage collector
     */
    boolean recycle(byte[] bytes) {
        return idle.offer(bytes);
    }

    /** Idle arrays, for tests. */
    int idle() {
        return idle.size();
    }
}
