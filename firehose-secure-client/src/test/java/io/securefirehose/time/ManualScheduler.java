package io.securefirehose.time;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link TaskScheduler} whose clock moves only when a test calls {@link #advance(Duration)}. Tasks passed to
 * {@code execute} run at once, in order, on one worker thread (so I/O completions flow as usual); timers fire
 * only when the clock has been moved past them. Every requested delay is recorded for assertions.
 */
public final class ManualScheduler implements TaskScheduler, AutoCloseable {

    private record Timer(long dueNanos, long order, Runnable task) {}

    private final LinkedBlockingQueue<Runnable> ready = new LinkedBlockingQueue<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            (a, b) -> a.dueNanos != b.dueNanos ? Long.compare(a.dueNanos, b.dueNanos) : Long.compare(a.order, b.order));
    private final List<Long> requestedDelays = new ArrayList<>();
    private final AtomicInteger unfinished = new AtomicInteger();
    private final Thread worker;
    private long now = 1_000_000_000L;
    private long order;
    private volatile boolean closed;
    private volatile Throwable failure;

    public ManualScheduler() {
        worker = new Thread(this::work, "manual-scheduler");
        worker.setDaemon(true);
        worker.start();
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public void execute(Runnable task) {
        if (closed) {
            throw new RejectedExecutionException("scheduler closed");
        }
        unfinished.incrementAndGet();
        ready.add(task);
    }

    @Override
    public synchronized void schedule(Runnable task, long delay, TimeUnit unit) {
        if (closed) {
            throw new RejectedExecutionException("scheduler closed");
        }
        long nanos = unit.toNanos(delay);
        requestedDelays.add(nanos);
        timers.add(new Timer(now + nanos, order++, task));
    }

    /** Wall-clock time that moves with {@link #advance}: starts at the real time of construction. */
    private final java.time.Instant wallStart = java.time.Instant.now();

    private final long nanoStart = 1_000_000_000L;

    @Override
    public java.time.Clock wallClock() {
        ManualScheduler self = this;
        return new java.time.Clock() {
            @Override
            public java.time.Instant instant() {
                return wallStart.plusNanos(self.nanoTime() - nanoStart);
            }

            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public java.time.Clock withZone(java.time.ZoneId zone) {
                return this;
            }
        };
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == worker;
    }

    /** Moves the clock forward and hands every timer now due to the worker, earliest first. */
    public void advance(Duration duration) {
        List<Runnable> due = new ArrayList<>();
        synchronized (this) {
            now += duration.toNanos();
            while (!timers.isEmpty() && timers.peek().dueNanos <= now) {
                due.add(timers.poll().task);
            }
        }
        due.forEach(this::execute);
    }

    /** Waits (bounded by real time) until the worker has run every task handed to it so far. */
    public void awaitIdle() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (unfinished.get() > 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scheduler still busy after 30 s");
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000);
        }
        if (failure != null) {
            throw new AssertionError("a scheduled task failed", failure);
        }
    }

    /** @return every delay passed to {@code schedule}, in nanoseconds, in call order */
    public synchronized List<Long> requestedDelays() {
        return List.copyOf(requestedDelays);
    }

    /** @return timers not fired yet */
    public synchronized int pendingTimers() {
        return timers.size();
    }

    @Override
    public void close() {
        closed = true;
        worker.interrupt();
    }

    private void work() {
        while (!closed) {
            Runnable task;
            try {
                task = ready.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                task.run();
            } catch (Throwable t) {
                failure = t;
            } finally {
                unfinished.decrementAndGet();
            }
        }
    }
}
