package io.securefirehose.time;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.LoggerNames;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link TaskScheduler}: the system's monotonic clock and one daemon thread.
 *
 * <p>A producer that creates this scheduler itself also shuts it down when it closes. Thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class SingleThreadTaskScheduler implements TaskScheduler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread thread;

    /**
     * Starts a scheduler whose thread has the given name.
     *
     * @param threadName name of the worker thread, shown in thread dumps and profiles
     */
    public SingleThreadTaskScheduler(String threadName) {
        ThreadFactory factory = runnable -> {
            Thread t = new Thread(runnable, threadName);
            t.setDaemon(true);
            thread = t;
            return t;
        };
        this.executor = new ScheduledThreadPoolExecutor(1, factory);
        this.executor.setRemoveOnCancelPolicy(true);
        this.executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.thread = new Thread(() -> {}); // replaced by the factory when the worker starts
        this.executor.prestartCoreThread();
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public void execute(Runnable task) {
        executor.execute(guarded(task));
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // failures are logged by guarded(), nothing waits on the future
    public void schedule(Runnable task, long delay, TimeUnit unit) {
        executor.schedule(guarded(task), delay, unit);
    }

    /**
     * The executor keeps a task's exception inside a future nobody reads; a failing task is a bug in the producer,
     * so it is logged instead of vanishing.
     */
    private static Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                LOG.error("producer task failed; this is a bug in firehose-secure, please report it", e);
                throw e;
            }
        };
    }

    @Override
    public boolean inSchedulerThread() {
        return Thread.currentThread() == thread;
    }

    /**
     * Stops accepting tasks, drops timers that have not fired, and waits up to {@code timeout} for the running
     * task to finish.
     *
     * @param timeout how long to wait for the worker thread to end
     * @return {@code true} if the worker thread ended in time
     */
    public boolean shutdown(Duration timeout) {
        executor.shutdown();
        if (inSchedulerThread()) {
            return false;
        }
        try {
            return executor.awaitTermination(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Shuts down, waiting up to ten seconds for the running task. */
    @Override
    public void close() {
        shutdown(Duration.ofSeconds(10));
    }
}
