package io.securefirehose.internal.flow;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.time.TaskScheduler;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apiguardian.api.API;

/**
 * The buffer of a {@code SecureFirehoseClient}: at most {@code limit} bytes over all its streams, and each stream at
 * most its share, {@code limit * weight / (sum of the open streams' weights)}, so that a stream whose records cannot
 * leave (throttled, its endpoint refusing them) holds at most its share and the others keep theirs. A share is
 * never below {@code minShare} (one record of the largest size, with its overhead), so every stream can always take
 * a record; with many streams the total still never exceeds {@code limit}.
 *
 * <p>Shares are not lent: memory a quiet stream does not use is not given to a busy one, because a throttled stream
 * could then keep it. Opening or closing a stream changes every share at once; a stream above its new share takes
 * no more until it is below it. Thread-safe; reserving and releasing take no lock.
 */
@API(status = INTERNAL, since = "0.6.0")
public final class SharedBuffer {

    private final long limit;
    private final long minShare;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong totalWeight = new AtomicLong();
    private final AtomicInteger waiting = new AtomicInteger();
    private final CopyOnWriteArrayList<BufferMemory> members = new CopyOnWriteArrayList<>();

    /**
     * @param limit the most bytes over all streams
     * @param minShare the smallest share a stream gets, at most {@code limit}
     */
    public SharedBuffer(long limit, long minShare) {
        if (limit < 1 || minShare < 1 || minShare > limit) {
            throw new IllegalArgumentException("need 0 < minShare <= limit, was " + minShare + " and " + limit);
        }
        this.limit = limit;
        this.minShare = minShare;
    }

    /**
     * Opens a stream's share.
     *
     * @param weight the stream's weight, at least 1
     * @param scheduler whose clock a waiting send measures its wait on
     * @return the stream's buffer; closing it gives the share back
     */
    public BufferMemory join(int weight, TaskScheduler scheduler) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be at least 1, was " + weight);
        }
        BufferMemory memory = new BufferMemory(limit, this, weight, scheduler);
        totalWeight.addAndGet(weight);
        members.add(memory);
        return memory;
    }

    void leave(BufferMemory memory) {
        if (members.remove(memory)) {
            totalWeight.addAndGet(-memory.weight());
            wakeAll(); // every other share grew
        }
    }

    /** @return the most bytes a stream of {@code weight} may hold now */
    long shareOf(int weight) {
        long total = Math.max(weight, totalWeight.get());
        return Math.max(minShare, Math.min(limit, limit / total * weight));
    }

    boolean tryReserve(long bytes) {
        while (true) {
            long current = used.get();
            if (current + bytes > limit) {
                return false;
            }
            if (used.compareAndSet(current, current + bytes)) {
                return true;
            }
        }
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
        if (waiting.get() > 0) {
            wakeAll();
        }
    }

    void waiting(int change) {
        waiting.addAndGet(change);
    }

    private void wakeAll() {
        for (BufferMemory member : members) {
            member.wakeWaiters();
        }
    }

    /** @return the most bytes over all streams */
    long limit() {
        return limit;
    }

    /** @return bytes reserved by all streams now */
    long used() {
        return used.get();
    }

    /** @return the weights of the open streams, summed */
    long totalWeight() {
        return totalWeight.get();
    }
}
