package io.securefirehose.internal.flow;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.time.TaskScheduler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Bounded buffer accounting: a record reserves its bytes before it is accepted and releases them when its future
 * completes. Reserving takes a lock-free fast path when space is free; only callers that must wait take the lock.
 *
 * <p>A stream of a client reserves from its share of the client's buffer as well ({@link SharedBuffer}).
 *
 * <p>Waiting is measured on the scheduler's clock, so tests that move that clock by hand decide when a waiting
 * caller gives up. A waiting caller re-checks at least every {@link #RECHECK_NANOS} of real time.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class BufferMemory {

    static final long RECHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

    private final long limit;
    /** The client's buffer this stream has a share of, or {@code null} for a producer's own buffer. */
    private final @Nullable SharedBuffer shared;

    private final int weight;
    private final AtomicLong used = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final TaskScheduler scheduler;
    private final AtomicInteger waiters = new AtomicInteger();
    private volatile boolean closed;

    public BufferMemory(long limit, TaskScheduler scheduler) {
        this(limit, null, 0, scheduler);
    }

    BufferMemory(long limit, @Nullable SharedBuffer shared, int weight, TaskScheduler scheduler) {
        this.limit = limit;
        this.shared = shared;
        this.weight = weight;
        this.scheduler = scheduler;
    }

    /** Reserves without waiting; returns false if there is not enough free space. */
    public boolean tryReserve(long bytes) {
        SharedBuffer pool = shared;
        long cap = pool == null ? limit : pool.shareOf(weight);
        while (true) {
            long current = used.get();
            if (current + bytes > cap) {
                return false;
            }
            if (used.compareAndSet(current, current + bytes)) {
                break;
            }
        }
        if (pool != null && !pool.tryReserve(bytes)) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    /**
     * Reserves, waiting up to {@code maxWaitNanos} for space.
     *
     * @throws BufferExhaustedException if space did not free up in time
     * @throws IllegalStateException if the producer closed while waiting
     * @throws InterruptedException if the calling thread was interrupted while waiting
     */
    public void reserve(long bytes, long maxWaitNanos) throws InterruptedException {
        if (tryReserve(bytes)) {
            return;
        }
        long start = scheduler.nanoTime();
        if (maxWaitNanos <= 0) {
            throw exhausted(bytes, 0, "maxBlock is 0");
        }
        lock.lockInterruptibly();
        try {
            waiters.incrementAndGet();
            if (shared != null) {
                shared.waiting(1);
            }
            try {
                while (!tryReserve(bytes)) {
                    if (closed) {
                        throw new IllegalStateException("producer closed while send was waiting for buffer space");
                    }
                    long waited = scheduler.nanoTime() - start;
                    long remaining = maxWaitNanos - waited;
                    if (remaining <= 0) {
                        throw exhausted(bytes, waited, "maxBlock elapsed");
                    }
                    freed.awaitNanos(Math.min(remaining, RECHECK_NANOS));
                }
            } finally {
                waiters.decrementAndGet();
                if (shared != null) {
                    shared.waiting(-1);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    public void release(long bytes) {
        used.addAndGet(-bytes);
        if (shared != null) {
            shared.release(bytes); // wakes the waiting streams
        } else if (waiters.get() > 0) {
            signalWaiters();
        }
    }

    /** Wakes the callers waiting for space, if any. */
    void wakeWaiters() {
        if (waiters.get() > 0) {
            signalWaiters();
        }
    }

    /** Wakes every waiting caller; they fail with {@link IllegalStateException}. Gives back a share. */
    public void close() {
        closed = true;
        signalWaiters();
        if (shared != null) {
            shared.leave(this);
        }
    }

    private void signalWaiters() {
        lock.lock();
        try {
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public long used() {
        return used.get();
    }

    int weight() {
        return weight;
    }

    public BufferExhaustedException exhausted(long bytes, long waitedNanos, String reason) {
        SharedBuffer pool = shared;
        if (pool == null) {
            return new BufferExhaustedException(bytes, used.get(), limit, Duration.ofNanos(waitedNanos), reason);
        }
        return new BufferExhaustedException(
                bytes,
                used.get(),
                pool.shareOf(weight),
                Duration.ofNanos(waitedNanos),
                reason + "; the limit is this stream's share of the client's maxBufferedBytes " + pool.limit()
                        + " (weight " + weight + " of " + pool.totalWeight() + ", " + pool.used()
                        + " bytes in use by all streams)");
    }
}
