package io.securefirehose.internal.wire;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.ArrayDeque;
import org.apiguardian.api.API;

/**
 * A small pool of request-body arrays, so that a producer at full speed does not allocate a fresh (often
 * humongous, for G1) array for every {@code PutRecordBatch} call.
 *
 * <p>Holds at most {@code maxPooled} arrays of at most {@link #MAX_POOLED_BYTES} each; anything else is left to the
 * garbage collector. An array must only be given back once nothing reads it any more. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class BodyBuffers {

    /** Largest array kept: a full 4 MiB batch in base64 plus the JSON around its records. */
    static final int MAX_POOLED_BYTES = 6 * 1024 * 1024;

    /** Arrays start at this size, so that small batches share arrays of one size class. */
    private static final int MIN_ARRAY_BYTES = 64 * 1024;

    private final int maxPooled;
    private final ArrayDeque<byte[]> pooled = new ArrayDeque<>();

    public BodyBuffers(int maxPooled) {
        if (maxPooled < 0) {
            throw new IllegalArgumentException("maxPooled must not be negative, was " + maxPooled);
        }
        this.maxPooled = maxPooled;
    }

    /** An array of at least {@code length} bytes, pooled when one is large enough. */
    public byte[] acquire(int length) {
        synchronized (pooled) {
            for (int i = pooled.size(); i > 0; i--) {
                byte[] candidate = pooled.pollFirst();
                if (candidate == null) {
                    break;
                }
                if (candidate.length >= length) {
                    return candidate;
                }
                pooled.addLast(candidate);
            }
        }
        return new byte[sizeFor(length)];
    }

    /** Gives an array back; it must no longer be read or written by anyone else. */
    public void release(byte[] array) {
        if (array.length > MAX_POOLED_BYTES) {
            return;
        }
        synchronized (pooled) {
            if (pooled.size() < maxPooled) {
                pooled.addFirst(array);
            } else if (!pooled.isEmpty() && pooled.peekLast().length < array.length) {
                // Keep the larger arrays: they serve every batch, the small ones only small batches.
                pooled.pollLast();
                pooled.addFirst(array);
            }
        }
    }

    int pooledCount() {
        synchronized (pooled) {
            return pooled.size();
        }
    }

    /** Rounded up to a power of two (at least 64 KiB, at most the pooled maximum unless larger is needed). */
    static int sizeFor(int length) {
        if (length <= MIN_ARRAY_BYTES) {
            return MIN_ARRAY_BYTES;
        }
        int rounded = Integer.highestOneBit(length - 1) << 1;
        // Beyond the pooled maximum, a power of two would waste up to half: take what is needed, at least the maximum.
        return rounded > 0 && rounded <= MAX_POOLED_BYTES ? rounded : Math.max(length, MAX_POOLED_BYTES);
    }
}
