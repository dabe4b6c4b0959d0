package io.securefirehose.internal.listen;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.listener.CallFinished;
import io.securefirehose.listener.CallStarted;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.listener.RecordsFailed;
import io.securefirehose.listener.SecurityEvent;
import io.securefirehose.listener.Throttled;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands events to a {@link ProducerListener} on a thread of its own, in the order they were published. Publishing
 * never waits: an event that finds the queue full is dropped and counted, so a slow or stuck listener costs the
 * producer nothing but lost events. An exception from the listener is logged (its type only) and counted. With no
 * listener ({@link #NONE}) nothing is started and {@link #enabled()} is {@code false}, so callers build no events.
 * {@link #publish} is thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ListenerDispatch implements AutoCloseable {

    /** Dispatches to nobody. */
    public static final ListenerDispatch NONE = new ListenerDispatch();

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    /** Published by {@link #close()} after the last event: the thread ends once it reaches it. */
    private static final Object END = new Object();

    private final @Nullable ProducerListener listener;
    private final @Nullable BlockingQueue<Object> queue;
    private final @Nullable Thread thread;
    private final Duration drainAtClose;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private volatile boolean ending;

    private ListenerDispatch() {
        this.listener = null;
        this.queue = null;
        this.thread = null;
        this.drainAtClose = Duration.ZERO;
    }

    private ListenerDispatch(ProducerListener listener, String threadName, int capacity, Duration drainAtClose) {
        this.listener = listener;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.drainAtClose = drainAtClose;
        Thread worker = new Thread(this::run, threadName);
        worker.setDaemon(true);
        this.thread = worker;
    }

    /**
     * Starts a dispatch to {@code listener} with {@link ProducerListener#QUEUE_CAPACITY} places, waiting at most five
     * seconds at close.
     *
     * @param listener the user's listener, or {@code null} for none
     * @param deliveryStream names the thread, {@code firehose-secure-listener-<stream>}
     * @return a started dispatch, or {@link #NONE}
     */
    public static ListenerDispatch start(@Nullable ProducerListener listener, String deliveryStream) {
        return start(listener, deliveryStream, ProducerListener.QUEUE_CAPACITY, Duration.ofSeconds(5));
    }

    /**
     * As {@link #start(ProducerListener, String)}, with the queue's capacity and the wait at close given.
     *
     * @param listener the user's listener, or {@code null} for none
     * @param deliveryStream names the thread
     * @param capacity events held for the listener before new ones are dropped, at least 1
     * @param drainAtClose how long {@link #close()} waits for the listener to take what is queued
     * @return a started dispatch, or {@link #NONE}
     */
    public static ListenerDispatch start(
            @Nullable ProducerListener listener, String deliveryStream, int capacity, Duration drainAtClose) {
        if (listener == null) {
            return NONE;
        }
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        ListenerDispatch dispatch =
                new ListenerDispatch(listener, "firehose-secure-listener-" + deliveryStream, capacity, drainAtClose);
        if (dispatch.thread != null) {
            dispatch.thread.start();
        }
        return dispatch;
    }

    /** @return whether there is a listener: without one, callers need not build events */
    public boolean enabled() {
        return listener != null;
    }

    /**
     * Queues an event for the listener, or drops and counts it when the queue is full. Never waits. Any thread.
     *
     * @param event a {@link CallStarted}, {@link CallFinished}, {@link RecordsFailed}, {@link Throttled} or {@link
     *     SecurityEvent}
     */
    public void publish(Object event) {
        BlockingQueue<Object> events = queue;
        if (events == null) {
            return;
        }
        if (!events.offer(event)) {
            dropped.increment();
        }
    }

    /**
     * Counts an event that could not be built (a bug in the producer, logged with its type only), so that it is not
     * lost silently and the call it describes goes on.
     *
     * @param cause why it could not be built
     */
    public void dropped(RuntimeException cause) {
        dropped.increment();
        LOG.warn(
                "an event for the producer listener could not be built: {}",
                cause.getClass().getName());
    }

    /** @return events dropped because the listener had not taken the queued ones */
    public long droppedEvents() {
        return dropped.sum();
    }

    /** @return events on which the listener threw */
    public long listenerErrors() {
        return errors.sum();
    }

    private void run() {
        BlockingQueue<Object> events = queue;
        if (events == null) {
            return;
        }
        try {
            for (Object event = events.take(); event != END; event = events.take()) {
                deliver(event);
                if (ending && events.isEmpty()) {
                    return; // END found no place in a full queue; everything before it is delivered
                }
            }
        } catch (InterruptedException stopped) {
            // close() gave up waiting: the events still queued are not delivered.
        }
    }

    private void deliver(Object event) {
        ProducerListener target = listener;
        if (target == null) {
            return;
        }
        try {
            if (event instanceof CallStarted started) {
                target.callStarted(started);
            } else if (event instanceof CallFinished finished) {
                target.callFinished(finished);
            } else if (event instanceof RecordsFailed failed) {
                target.recordsFailed(failed);
            } else if (event instanceof Throttled throttled) {
                target.throttled(throttled);
            } else if (event instanceof SecurityEvent security) {
                target.securityEvent(security);
            }
        } catch (RuntimeException e) {
            errors.increment();
            LOG.warn(
                    "the producer listener threw {} on {}; it gets the next event as usual",
                    e.getClass().getName(),
                    event.getClass().getSimpleName());
        }
    }

    /**
     * Lets the listener take what is queued, waiting at most the drain time, then stops its thread (interrupting
     * it if it is still busy). Idempotent.
     */
    @Override
    public void close() {
        BlockingQueue<Object> events = queue;
        Thread worker = thread;
        if (events == null || worker == null || !worker.isAlive()) {
            return;
        }
        ending = true;
        // Without a place for END, the thread ends when it finds the queue empty after ending was set.
        boolean queued = events.offer(END);
        if (!queued && LOG.isDebugEnabled()) {
            LOG.debug("the listener's queue was full at close");
        }
        try {
            worker.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(drainAtClose.toNanos())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            LOG.warn(
                    "the producer listener did not take its last {} event(s) within {}; they are dropped",
                    events.size(),
                    drainAtClose);
            worker.interrupt();
        }
    }
}
