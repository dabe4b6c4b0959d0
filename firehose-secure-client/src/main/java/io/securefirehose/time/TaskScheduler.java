package io.securefirehose.time;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * The producer's clock and its one serial worker: every timer (linger, retry backoff, delivery timeout) and every
 * piece of bookkeeping after a response runs as a task here.
 *
 * <p>Implementations must guarantee:
 *
 * <ul>
 *   <li>tasks never run concurrently with each other, and tasks passed to {@link #execute} run in the order they
 *       were passed;
 *   <li>{@link #nanoTime()} is monotonic, and a task passed to {@link #schedule} runs no earlier than {@code delay}
 *       after the call, as measured by {@link #nanoTime()};
 *   <li>all methods may be called from any thread.
 * </ul>
 *
 * <p>Record futures complete on this scheduler's thread. The default, {@link SingleThreadTaskScheduler}, uses the
 * system clock and one daemon thread. Tests inject a scheduler whose clock they move by hand, so that linger,
 * backoff and timeouts can be checked without sleeping.
 */
@API(status = STABLE, since = "0.1.0")
public interface TaskScheduler {

    /**
     * Current time of this scheduler's clock.
     *
     * @return monotonic time in nanoseconds, from an arbitrary origin
     */
    long nanoTime();

    /**
     * Runs {@code task} soon, after the tasks already passed to this method.
     *
     * @param task the task
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler was shut down
     */
    void execute(Runnable task);

    /**
     * Runs {@code task} once {@code delay} has passed on this scheduler's clock.
     *
     * @param task the task
     * @param delay how long to wait, not negative
     * @param unit unit of {@code delay}
     * @throws java.util.concurrent.RejectedExecutionException if the scheduler was shut down
     */
    void schedule(Runnable task, long delay, TimeUnit unit);

    /**
     * Whether the calling thread is the one that runs this scheduler's tasks. The producer uses it to refuse to
     * block that thread (for example in {@code send} called from a record's callback).
     *
     * @return {@code true} if called from inside a task of this scheduler
     */
    boolean inSchedulerThread();

    /**
     * Wall-clock time, for things that carry absolute times (for example when credentials expire). Must move
     * together with {@link #nanoTime()}; the default is the system clock.
     *
     * @return the wall clock
     */
    default Clock wallClock() {
        return Clock.systemUTC();
    }
}
