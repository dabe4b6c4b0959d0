package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.listener.CallFinished;
import io.securefirehose.listener.CallOutcome;
import io.securefirehose.listener.CallStarted;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.listener.RecordsFailed;
import io.securefirehose.listener.SecurityEvent;
import io.securefirehose.listener.Throttled;
import io.securefirehose.testkit.Fault;
import io.securefirehose.testkit.LocalFirehose;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ProducerBuilder#listener}: against a local Firehose, each call is reported started, then finished with the
 * outcome the producer acts on, throttling and security refusals as they happen, failed records once counted, all
 * on the listener's own thread; a listener that is stuck neither stalls sending nor loses records, only events.
 */
class ProducerListenerTest {

    private static final String STREAM = "orders";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final TestResources resources = new TestResources();

    /** Every event in the order the listener got it, with the thread it ran on. */
    private final ConcurrentLinkedQueue<Object> events = new ConcurrentLinkedQueue<>();

    private final ConcurrentLinkedQueue<String> threads = new ConcurrentLinkedQueue<>();

    private final ProducerListener recording = new ProducerListener() {
        @Override
        public void callStarted(CallStarted call) {
            seen(call);
        }

        @Override
        public void callFinished(CallFinished call) {
            seen(call);
        }

        @Override
        public void recordsFailed(RecordsFailed failure) {
            seen(failure);
        }

        @Override
        public void throttled(Throttled throttled) {
            seen(throttled);
        }

        @Override
        public void securityEvent(SecurityEvent event) {
            seen(event);
        }
    };

    private void seen(Object event) {
        threads.add(Thread.currentThread().getName());
        events.add(event);
    }

    private static byte[] record(int i) {
        return ("record-" + i).getBytes(UTF_8);
    }

    @Test
    void eachCallIsReportedStartedThenFinishedWithTheOutcomeTheProducerActsOn() {
        LocalFirehose server = resources.add(LocalFirehose.start(STREAM));
        server.enqueueFaults(Fault.failRecords("ServiceUnavailableException", 1), Fault.throttle());
        SecureFirehoseProducer producer = TestResources.producerFor(server, STREAM)
                .linger(Duration.ofMinutes(1))
                .listener(recording)
                .build();
        List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(producer.send(record(i)));
        }
        producer.flush();
        producer.close(); // delivers the queued events before it returns

        long bytes = "record-0".length();
        assertThat(events)
                .usingRecursiveFieldByFieldElementComparatorIgnoringFields("latency")
                .containsExactly(
                        new CallStarted(STREAM, 1, 3, 3 * bytes, 1),
                        new CallFinished(
                                STREAM,
                                1,
                                3,
                                3 * bytes,
                                CallOutcome.PARTIAL_FAILURE,
                                2,
                                "ServiceUnavailableException",
                                Duration.ZERO),
                        new Throttled(STREAM, 1, 1, false),
                        new CallStarted(STREAM, 2, 1, bytes, 2),
                        new CallFinished(
                                STREAM,
                                2,
                                1,
                                bytes,
                                CallOutcome.THROTTLED,
                                0,
                                "ServiceUnavailableException",
                                Duration.ZERO),
                        new Throttled(STREAM, 2, 1, true),
                        new CallStarted(STREAM, 3, 1, bytes, 3),
                        new CallFinished(STREAM, 3, 1, bytes, CallOutcome.SUCCESS, 1, null, Duration.ZERO));
        assertThat(threads).containsOnly("firehose-secure-listener-" + STREAM);
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    }

    @Test
    void aCallRefusedByTheTlsPolicyIsASecurityEventAndItsRecordFailsOnce() {
        LocalFirehose weak = resources.add(LocalFirehose.builder().stream(STREAM)
                .tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")
                .start());
        SecureFirehoseProducer producer = TestResources.producerFor(weak, STREAM)
                .linger(Duration.ZERO)
                .listener(recording)
                .build();

        CompletableFuture<RecordReceipt> refused = producer.send(record(0));
        assertThat(refused).failsWithin(WAIT);
        producer.close();

        assertThat(events).hasSize(4);
        List<Object> seen = List.copyOf(events);
        assertThat(seen.get(0)).isEqualTo(new CallStarted(STREAM, 1, 1, record(0).length, 1));
        assertThat(seen.get(1)).isInstanceOfSatisfying(CallFinished.class, finished -> {
            assertThat(finished.outcome()).isEqualTo(CallOutcome.FATAL_ERROR);
            assertThat(finished.acceptedRecords()).isZero();
        });
        assertThat(seen.get(2)).isInstanceOfSatisfying(SecurityEvent.class, event -> {
            assertThat(event.kind()).isEqualTo(SecurityEvent.Kind.TLS_POLICY_VIOLATION);
            assertThat(event.detail()).contains("TLS connection to localhost", "refused", "handshake");
        });
        assertThat(seen.get(3)).isInstanceOfSatisfying(RecordsFailed.class, failed -> {
            assertThat(failed.records()).isEqualTo(1);
            assertThat(failed.reason()).isEqualTo(((CallFinished) seen.get(1)).errorCode());
        });
    }

    @Test
    void anAddressThatWasNotPinnedIsRefusedAndReportedBeforeAnyByteLeaves() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.start(STREAM));
        // Pinned at build: localhost is 127.0.0.2. At connect time the JVM's resolver says 127.0.0.1.
        SecureFirehoseProducer producer = TestResources.producerFor(server, STREAM)
                .linger(Duration.ZERO)
                .allowedCidrs("127.0.0.0/8")
                .hostResolver(host -> List.of(InetAddress.getByName("127.0.0.2")))
                .listener(recording)
                .build();

        assertThat(producer.send(record(0))).failsWithin(WAIT);
        producer.close();

        assertThat(server.connectionsAccepted()).isZero();
        assertThat(events)
                .filteredOn(SecurityEvent.class::isInstance)
                .map(event -> ((SecurityEvent) event).kind())
                .containsExactly(SecurityEvent.Kind.ADDRESS_REFUSED, SecurityEvent.Kind.ENDPOINT_POLICY_VIOLATION);
        assertThat(events)
                .filteredOn(SecurityEvent.class::isInstance)
                .first()
                .isInstanceOfSatisfying(
                        SecurityEvent.class,
                        refused -> assertThat(refused.detail())
                                .contains("refused connection to localhost at 127.0.0.1", "127.0.0.2"));
    }

    @Test
    void aStuckListenerNeitherStallsSendingNorLosesRecordsOnlyEvents() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.start(STREAM));
        CountDownLatch release = new CountDownLatch(1);
        SecureFirehoseProducer producer = TestResources.producerFor(server, STREAM)
                .linger(Duration.ZERO)
                .maxBatchRecords(1)
                .listener(new ProducerListener() {
                    @Override
                    public void callStarted(CallStarted call) {
                        try {
                            release.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                })
                .build();
        resources.add(() -> {
            release.countDown();
            producer.close(Duration.ZERO);
        });
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        producer.metrics().bindTo(registry);
        int calls = ProducerListener.QUEUE_CAPACITY; // two events each: more than the queue holds
        List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < calls; i++) {
            futures.add(producer.send(record(i)));
        }

        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(server.acceptedRecordCount(STREAM)).isEqualTo(calls);
        assertThat(registry.get("firehose.producer.listener.events.dropped")
                        .functionCounter()
                        .count())
                .as("2 x %d events, one taken by the stuck listener, %d queued", calls, calls)
                .isGreaterThanOrEqualTo(calls - 1.0);
    }

    @Test
    void withoutAListenerNoListenerThreadRuns() {
        LocalFirehose server = resources.add(LocalFirehose.start("quiet"));
        SecureFirehoseProducer producer =
                TestResources.producerFor(server, "quiet").linger(Duration.ZERO).build();
        resources.add(() -> producer.close(Duration.ZERO));

        assertThat(producer.send(record(0))).succeedsWithin(WAIT);

        assertThat(Thread.getAllStackTraces().keySet())
                .extracting(Thread::getName)
                .doesNotContain("firehose-secure-listener-quiet");
    }
}
