package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.WebIdentity;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.listener.CallFinished;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.testkit.CapturedKmsCall;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.StreamQuota;
import io.securefirehose.time.ManualScheduler;
import io.securefirehose.transport.TrustMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SecureFirehoseClient} against a local Firehose (with STS and KMS, applying session policies as IAM does):
 * its streams share one sender thread, one set of event loops, one connection pool and one role session whose
 * policy names every stream; each stream keeps its own data keys, failures and close; a throttled stream holds only
 * its share of the buffer while another still delivers.
 */
class SecureFirehoseClientTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/fleet";
    private static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final long WAIT_SECONDS = 30;

    @RegisterExtension
    final TestResources resources = new TestResources();

    private static ProducerBuilder settings(LocalFirehose server) {
        return SecureFirehoseProducer.builder()
                .region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .linger(Duration.ZERO);
    }

    private SecureFirehoseClient client(ProducerBuilder settings, int maxConnections) {
        SecureFirehoseClient client = SecureFirehoseClient.builder()
                .settings(settings)
                .maxConnections(maxConnections)
                .ioThreads(2)
                .build();
        resources.add(() -> client.close(Duration.ZERO));
        return client;
    }

    private static RecordReceipt sent(SecureFirehoseProducer producer, String text) throws Exception {
        return producer.send(text.getBytes(UTF_8)).get(WAIT_SECONDS, TimeUnit.SECONDS);
    }

    /** The live threads this SDK started. */
    private static Set<Thread> sdkThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith("firehose-secure-"))
                .collect(Collectors.toSet());
    }

    @Test
    void tenStreamsShareOneSenderThreadTheClientsEventLoopsAndOneConnectionPool() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.start(streams(10).toArray(String[]::new)));
        Set<Thread> before = sdkThreads();
        SecureFirehoseClient client = client(settings(server), 2);

        List<CompletableFuture<RecordReceipt>> sends = new ArrayList<>();
        for (String stream : streams(10)) {
            SecureFirehoseProducer producer = client.producer(stream);
            for (int i = 0; i < 20; i++) {
                sends.add(producer.send(("record " + i).getBytes(UTF_8)));
            }
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);

        for (String stream : streams(10)) {
            assertThat(server.records(stream)).hasSize(20);
        }
        // The threads this client started, whatever earlier tests left running: one sender, at most two I/O loops.
        List<String> started = sdkThreads().stream()
                .filter(thread -> !before.contains(thread))
                .map(Thread::getName)
                .toList();
        assertThat(started).noneMatch(name -> name.contains("fleet-"));
        assertThat(started.stream().filter(name -> name.startsWith("firehose-secure-sender-")))
                .containsExactly("firehose-secure-sender-client");
        assertThat(started.stream().filter(name -> !name.startsWith("firehose-secure-sender-")))
                .allMatch(name -> name.startsWith("firehose-secure-io-client"))
                .hasSizeLessThanOrEqualTo(2);
        assertThat(server.connectionsAccepted())
                .as("connections over ten streams, one pool of two")
                .isLessThanOrEqualTo(2);
        assertThat(client.streams()).containsExactlyElementsOf(streams(10));
    }

    @Test
    void onTheSdkClientPathTheStreamsShareOneClientAndItsConnectionsToo() throws Exception {
        List<String> names = List.of("orders", "clicks", "views");
        LocalFirehose server = resources.add(LocalFirehose.start(names.toArray(String[]::new)));
        SecureFirehoseClient client = client(settings(server).requestPath(RequestPath.SDK_CLIENT), 2);

        List<CompletableFuture<RecordReceipt>> sends = new ArrayList<>();
        for (String stream : names) {
            SecureFirehoseProducer producer = client.producer(stream);
            for (int i = 0; i < 20; i++) {
                sends.add(producer.send(("record " + i).getBytes(UTF_8)));
            }
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);

        for (String stream : names) {
            assertThat(server.records(stream)).hasSize(20);
        }
        assertThat(server.connectionsAccepted()).isLessThanOrEqualTo(2);
    }

    @Test
    void theSettingsListenerHearsEveryStreamsCallsOnTheClientsOneListenerThread() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.start("orders", "clicks"));
        ConcurrentLinkedQueue<String> heard = new ConcurrentLinkedQueue<>();
        ProducerListener listener = new ProducerListener() {
            @Override
            public void callFinished(CallFinished call) {
                heard.add(Thread.currentThread().getName() + " " + call.deliveryStream() + " " + call.outcome());
            }
        };
        SecureFirehoseClient client = client(settings(server).listener(listener), 4);

        sent(client.producer("orders"), "one");
        sent(client.producer("clicks"), "two");

        await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> heard.size() >= 2);
        assertThat(heard)
                .containsExactlyInAnyOrder(
                        "firehose-secure-listener-client orders SUCCESS",
                        "firehose-secure-listener-client clicks SUCCESS");
    }

    @Test
    void theRolesSessionNamesEveryOpenedStreamAndANewStreamSendsOnlyOnceItsSessionHasCome() throws Exception {
        LocalFirehose server =
                resources.add(LocalFirehose.builder().accountId("111122223333").stream("orders").stream("clicks")
                        .role(ROLE)
                        .start());
        SecureFirehoseClient client = client(
                settings(server)
                        .assumeRole(AssumeRole.role(ROLE)
                                .stsEndpoint(server.endpoint())
                                .build()),
                4);
        SecureFirehoseProducer orders = client.producer("orders");
        sent(orders, "first stream");
        assertThat(server.assumeRoleRequests()).hasSize(1);

        // STS down while the second stream opens: its session cannot come yet, and the one the first stream
        // signs with does not name it (the endpoint would refuse the call with AccessDeniedException).
        server.stsAvailable(false);
        SecureFirehoseProducer clicks = client.producer("clicks");
        CompletableFuture<RecordReceipt> waiting = clicks.send("second stream".getBytes(UTF_8));
        sent(orders, "the first stream goes on meanwhile");
        assertThat(waiting).isNotDone();
        server.stsAvailable(true);

        RecordReceipt receipt = waiting.get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(receipt.attempts()).isEqualTo(1);
        assertThat(server.records("clicks")).hasSize(1);
        List<String> policies = server.assumeRoleRequests().stream()
                .map(request -> String.valueOf(request.policy()))
                .toList();
        String last = policies.get(policies.size() - 1);
        assertThat(last).contains(server.streamArn("orders"), server.streamArn("clicks"));
        assertThat(policies.get(0)).doesNotContain(server.streamArn("clicks"));
    }

    @Test
    void aRolesSessionPolicyNamesAsManyStreamsAsItsLimitAllowsAndOneMoreIsRefusedSayingWhy() {
        LocalFirehose server = resources.add(
                LocalFirehose.builder().accountId("111122223333").role(ROLE).start());
        SecureFirehoseClient client = client(
                settings(server)
                        .assumeRole(AssumeRole.role(ROLE)
                                .stsEndpoint(server.endpoint())
                                .build()),
                4);

        IllegalStateException refused = null;
        int opened = 0;
        for (; opened < 100 && refused == null; opened++) {
            try {
                client.producer("clickstream-events-" + opened);
            } catch (IllegalStateException e) {
                refused = e;
            }
        }

        assertThat(refused).as("refused within 100 streams").isNotNull();
        assertThat(refused.getMessage()).contains("cannot name " + opened + " streams", "2048", "one role per stream");
        assertThat(client.streams()).hasSize(opened - 1).doesNotContain("clickstream-events-" + (opened - 1));
        assertThat(opened - 1)
                .as("streams of 20-character names one session names")
                .isGreaterThanOrEqualTo(20);
    }

    @Test
    void aWebIdentitySessionSignsForEveryStreamOfTheClientWithOneTokenExchange(@TempDir Path temp) throws Exception {
        LocalFirehose server =
                resources.add(LocalFirehose.builder().accountId("111122223333").stream("orders").stream("clicks")
                        .webIdentityRole(ROLE, "token-of-the-pod")
                        .requireSessionCredentials(true)
                        .start());
        Path token = Files.writeString(temp.resolve("token"), "token-of-the-pod\n", UTF_8);
        SecureFirehoseClient client = client(
                SecureFirehoseProducer.builder()
                        .region(server.region())
                        .endpoint(server.endpoint())
                        .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                        .linger(Duration.ZERO)
                        .webIdentity(WebIdentity.role(ROLE)
                                .tokenFile(token)
                                .stsEndpoint(server.endpoint())
                                .build()),
                4);

        sent(client.producer("orders"), "one");
        sent(client.producer("clicks"), "two");

        assertThat(server.assumeRoleRequests())
                .singleElement()
                .satisfies(exchange -> assertThat(exchange.outcome()).isEqualTo("AssumeRoleWithWebIdentity OK"));
        assertThat(server.records("orders")).hasSize(1);
        assertThat(server.records("clicks")).hasSize(1);
    }

    @Test
    void aRoleRefreshIsOneStsCallHowEverManyStreamsTheSessionServes() throws Exception {
        LocalFirehose server =
                resources.add(LocalFirehose.builder().accountId("111122223333").stream("a").stream("b").stream("c")
                        .role(ROLE)
                        .start());
        ManualScheduler scheduler = new ManualScheduler();
        resources.add(scheduler);
        SecureFirehoseClient client = client(
                settings(server)
                        .scheduler(scheduler)
                        .assumeRole(AssumeRole.role(ROLE)
                                .stsEndpoint(server.endpoint())
                                .duration(Duration.ofHours(1))
                                .build()),
                4);
        for (String stream : List.of("a", "b", "c")) {
            SecureFirehoseProducer producer = client.producer(stream);
            CompletableFuture<RecordReceipt> sent = producer.send(stream.getBytes(UTF_8));
            awaitWhileRunning(scheduler, sent);
        }
        int beforeRefresh = server.assumeRoleRequests().size();
        assertThat(beforeRefresh).as("one call per stream opened, at most").isBetween(1, 3);

        scheduler.advance(Duration.ofHours(1));
        scheduler.awaitIdle();
        awaitCalls(server, beforeRefresh + 1);

        assertThat(server.assumeRoleRequests()).hasSize(beforeRefresh + 1);
        assertThat(server.assumeRoleRequests().get(beforeRefresh).policy())
                .contains(server.streamArn("a"), server.streamArn("b"), server.streamArn("c"));
    }

    @Test
    void eachStreamHasItsOwnDataKeysBoundToItsStream() throws Exception {
        LocalFirehose server =
                resources.add(LocalFirehose.builder().accountId("111122223333").stream("orders").stream("clicks")
                        .role(ROLE)
                        .kmsKey(KEY)
                        .start());
        SecureFirehoseClient client = client(
                settings(server)
                        .assumeRole(AssumeRole.role(ROLE)
                                .stsEndpoint(server.endpoint())
                                .build())
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey(server.kmsKeyArn(KEY))
                                .kmsEndpoint(server.endpoint())
                                .build()),
                4);

        for (String stream : List.of("orders", "clicks")) {
            SecureFirehoseProducer producer = client.producer(stream);
            for (int i = 0; i < 3; i++) {
                sent(producer, stream + " " + i);
            }
        }

        List<String> contexts = server.kmsRequests().stream()
                .filter(call -> call.operation().equals("GenerateDataKey"))
                .map(CapturedKmsCall::encryptionContext)
                .map(context -> context.get("firehose-secure:delivery-stream"))
                .toList();
        assertThat(contexts).containsExactlyInAnyOrder(server.streamArn("orders"), server.streamArn("clicks"));
        assertThat(server.records("orders")).hasSize(3);
        assertThat(server.records("clicks")).hasSize(3);
    }

    @Test
    void aStreamsFailuresAndCloseLeaveTheOtherStreamsAlone() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.start("orders", "clicks"));
        SecureFirehoseClient client = client(settings(server), 4);
        SecureFirehoseProducer orders = client.producer("orders");
        SecureFirehoseProducer missing = client.producer("no-such-stream");
        SecureFirehoseProducer clicks = client.producer("clicks");

        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class,
                () -> missing.send("nowhere".getBytes(UTF_8)).get(WAIT_SECONDS, TimeUnit.SECONDS));
        assertThat(refused.getCause()).isInstanceOf(DeliveryFailedException.class);
        sent(orders, "still delivered");

        orders.close();

        assertThatThrownBy(() -> orders.send("after close".getBytes(UTF_8))).isInstanceOf(IllegalStateException.class);
        sent(clicks, "the others go on");
        assertThat(client.streams()).containsExactly("no-such-stream", "clicks");
        SecureFirehoseProducer reopened = client.producer("orders");
        sent(reopened, "a stream can be opened again once closed");
        assertThatThrownBy(() -> client.producer("clicks"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a producer of stream clicks is open");

        client.close();

        assertThatThrownBy(() -> clicks.send("after the client closed".getBytes(UTF_8)))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> client.producer("later")).isInstanceOf(IllegalStateException.class);
        assertThat(server.records("orders")).hasSize(2);
        assertThat(server.records("clicks")).hasSize(1);
    }

    @Test
    void aThrottledStreamHoldsOnlyItsShareOfTheBufferAndAnotherStillDelivers() throws Exception {
        LocalFirehose server = resources.add(
                LocalFirehose.builder().stream("throttled").quota("throttled", new StreamQuota(1, 1, 1)).stream(
                                "steady")
                        .start());
        long buffer = 4L * 1024 * 1024;
        SecureFirehoseClient client =
                client(settings(server).maxBufferedBytes(buffer).maxBlock(Duration.ZERO), 4);
        SecureFirehoseProducer throttled = client.producer("throttled");
        SecureFirehoseProducer steady = client.producer("steady");
        byte[] record = new byte[10 * 1024];

        BufferExhaustedException full = null;
        for (int i = 0; i < 1000 && full == null; i++) {
            try {
                throttled.send(record);
            } catch (BufferExhaustedException e) {
                full = e;
            }
        }
        assertThat(full).as("the throttled stream's share filled up").isNotNull();
        assertThat(full.getMessage()).contains("this stream's share of the client's maxBufferedBytes " + buffer);

        List<CompletableFuture<RecordReceipt>> delivered = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            delivered.add(steady.send(record));
        }
        CompletableFuture.allOf(delivered.toArray(CompletableFuture[]::new)).get(WAIT_SECONDS, TimeUnit.SECONDS);

        assertThat(server.records("steady")).hasSize(150);
    }

    @Test
    void aClientWhoseEndpointIsRefusedAtBuildLeavesNoThreadRunning() {
        LocalFirehose server = resources.add(LocalFirehose.start("orders"));
        Set<Thread> before = sdkThreads();

        assertThatThrownBy(() -> SecureFirehoseClient.builder()
                        .settings(settings(server).allowedCidrs("10.0.0.0/8"))
                        .build())
                .isInstanceOf(EndpointPolicyViolationException.class);

        await().atMost(Duration.ofSeconds(WAIT_SECONDS))
                .until(() -> sdkThreads().stream().allMatch(before::contains));
    }

    @Test
    void aClientNamesNoStreamOfItsOwnAndBindsEncryptionOnlyThroughItsRole() {
        LocalFirehose server = resources.add(LocalFirehose.start("orders"));
        assertThatThrownBy(() -> SecureFirehoseClient.builder()
                        .settings(settings(server).deliveryStream("orders"))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deliveryStream is set to 'orders'");
        assertThatThrownBy(() -> SecureFirehoseClient.builder()
                        .settings(settings(server)
                                .envelopeEncryption(
                                        EnvelopeEncryption.withKmsKey(KEY).build()))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set assumeRole");
        assertThatThrownBy(() -> SecureFirehoseClient.builder().build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("settings are required");
    }

    private static List<String> streams(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("fleet-" + i);
        }
        return names;
    }

    /** Lets the manual scheduler run what the send needs, a millisecond at a time, until it completes. */
    private static void awaitWhileRunning(ManualScheduler scheduler, CompletableFuture<RecordReceipt> sent) {
        await().atMost(Duration.ofSeconds(WAIT_SECONDS)).until(() -> {
            scheduler.awaitIdle();
            scheduler.advance(Duration.ofMillis(1));
            return sent.isDone();
        });
        assertThat(sent.join().attempts()).isGreaterThanOrEqualTo(1);
    }

    private static void awaitCalls(LocalFirehose server, int calls) {
        await().atMost(Duration.ofSeconds(WAIT_SECONDS))
                .until(() -> server.assumeRoleRequests().size() >= calls);
    }
}
