package io.securefirehose.internal.listen;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.listener.CallStarted;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.listener.RecordsFailed;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The listener's own thread: events in the order published, a listener that throws gets the next event, one that
 * is stuck costs publishers nothing but dropped (counted) events, and close delivers what is queued or gives up.
 * Waits are on the listener's own signals, each bounded.
 */
class ListenerDispatchTest {

    private static final long WAIT_SECONDS = 30;

    private final BlockingQueue<String> seen = new LinkedBlockingQueue<>();
    private final List<ListenerDispatch> started = new ArrayList<>();

    @AfterEach
    void closeAll() {
        started.forEach(ListenerDispatch::close);
    }

    private ListenerDispatch start(ProducerListener listener, int capacity, Duration drain) {
        ListenerDispatch dispatch = ListenerDispatch.start(listener, "orders", capacity, drain);
        started.add(dispatch);
        return dispatch;
    }

    private static CallStarted call(long id) {
        return new CallStarted("orders", id, 1, 10, 1);
    }

    private String next() throws InterruptedException {
        String event = seen.poll(WAIT_SECONDS, TimeUnit.SECONDS);
        assertThat(event).as("an event delivered within %s s", WAIT_SECONDS).isNotNull();
        return event;
    }

    @Test
    void eventsArriveInTheOrderPublishedOnTheListenersOwnThread() throws InterruptedException {
        ListenerDispatch dispatch = start(
                new ProducerListener() {
                    @Override
                    public void callStarted(CallStarted call) {
                        seen.add(Thread.currentThread().getName() + " call " + call.callId());
                    }

                    @Override
                    public void recordsFailed(RecordsFailed failure) {
                        seen.add(Thread.currentThread().getName() + " failed " + failure.records());
                    }
                },
                16,
                Duration.ofSeconds(5));
        dispatch.publish(call(1));
        dispatch.publish(new RecordsFailed("orders", "closed", 3));
        dispatch.publish(call(2));

        assertThat(List.of(next(), next(), next()))
                .containsExactly(
                        "firehose-secure-listener-orders call 1",
                        "firehose-secure-listener-orders failed 3",
                        "firehose-secure-listener-orders call 2");
        assertThat(dispatch.droppedEvents()).isZero();
    }

    @Test
    void aListenerThatThrowsGetsTheNextEventAndTheErrorIsCounted() throws InterruptedException {
        ListenerDispatch dispatch = start(
                new ProducerListener() {
                    @Override
                    public void callStarted(CallStarted call) {
                        seen.add("call " + call.callId());
                        if (call.callId() == 1) {
                            throw new IllegalStateException("the listener's own bug");
                        }
                    }
                },
                16,
                Duration.ofSeconds(5));
        dispatch.publish(call(1));
        dispatch.publish(call(2));

        assertThat(List.of(next(), next())).containsExactly("call 1", "call 2");
        assertThat(dispatch.listenerErrors()).isEqualTo(1);
    }

    @Test
    void aStuckListenerCostsPublishersNothingButDroppedEvents() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ListenerDispatch dispatch = start(
                new ProducerListener() {
                    @Override
                    public void callStarted(CallStarted call) {
                        seen.add("call " + call.callId());
                        entered.countDown();
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                },
                4,
                Duration.ofSeconds(5));
        dispatch.publish(call(1));
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        for (long id = 2; id <= 8; id++) {
            dispatch.publish(call(id)); // returns at once although the listener is stuck
        }

        assertThat(dispatch.droppedEvents()).as("7 published, 4 places").isEqualTo(3);
        release.countDown();
        dispatch.close();
        assertThat(seen).containsExactly("call 1", "call 2", "call 3", "call 4", "call 5");
    }

    @Test
    void closeDeliversWhatIsQueuedBeforeItReturns() {
        ListenerDispatch dispatch = start(
                new ProducerListener() {
                    @Override
                    public void callStarted(CallStarted call) {
                        seen.add("call " + call.callId());
                    }
                },
                16,
                Duration.ofSeconds(30));
        for (long id = 1; id <= 10; id++) {
            dispatch.publish(call(id));
        }

        dispatch.close();

        assertThat(seen).hasSize(10).startsWith("call 1").endsWith("call 10");
        dispatch.publish(call(11));
        dispatch.close();
        assertThat(seen).hasSize(10);
    }

    @Test
    void closeGivesUpOnAListenerThatDoesNotReturnAndInterruptsIt() throws InterruptedException {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch interrupted = new CountDownLatch(1);
        ListenerDispatch dispatch = start(
                new ProducerListener() {
                    @Override
                    public void callStarted(CallStarted call) {
                        entered.countDown();
                        try {
                            new CountDownLatch(1).await();
                        } catch (InterruptedException e) {
                            interrupted.countDown();
                        }
                    }
                },
                16,
                Duration.ofMillis(1));
        dispatch.publish(call(1));
        assertThat(entered.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();

        dispatch.close();

        assertThat(interrupted.await(WAIT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void withoutAListenerNothingStartsAndNothingIsBuilt() {
        ListenerDispatch none = ListenerDispatch.start(null, "unheard");

        assertThat(none).isSameAs(ListenerDispatch.NONE);
        assertThat(none.enabled()).isFalse();
        none.publish(call(1));
        none.close();
        assertThat(none.droppedEvents()).isZero();
        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .doesNotContain("firehose-secure-listener-unheard");
    }
}
