package io.securefirehose.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/** LocalFirehose as the AWS SDK sees it: the real client, over TLS, with real signatures. */
class LocalFirehoseTest {

    @RegisterExtension
    static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("s1").stream("s2"));

    private static FirehoseAsyncClient client;

    @BeforeAll
    static void connect() {
        client = SdkClients.firehose(FIREHOSE.server());
    }

    @AfterAll
    static void disconnect() {
        client.close();
    }

    private static List<Record> records(int count, int size) {
        return IntStream.range(0, count)
                .mapToObj(i -> Record.builder()
                        .data(SdkBytes.fromByteArray(payload(size, i)))
                        .build())
                .toList();
    }

    private static byte[] payload(int size, int marker) {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (marker + i);
        }
        return data;
    }

    private static <T> T result(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    private static PutRecordBatchResponse put(String stream, List<Record> records) throws Exception {
        return result(client.putRecordBatch(r -> r.deliveryStreamName(stream).records(records)));
    }

    private static void assertRefused(ThrowingCall call, String errorCode, int status, String messagePart) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo(errorCode);
            assertThat(e.statusCode()).isEqualTo(status);
            assertThat(e.awsErrorDetails().errorMessage()).contains(messagePart);
        });
    }

    interface ThrowingCall {
        void run() throws Exception;
    }

    @Test
    void acceptedRecordsAreCapturedInOrderWithUniqueIds(LocalFirehose server) throws Exception {
        PutRecordBatchResponse response = put("s1", records(3, 10));
        assertThat(response.failedPutCount()).isZero();
        assertThat(response.encrypted()).isFalse();
        List<CapturedRecord> captured = server.records("s1");
        assertThat(captured)
                .extracting(CapturedRecord::data)
                .containsExactly(payload(10, 0), payload(10, 1), payload(10, 2));
        assertThat(response.requestResponses())
                .extracting(e -> e.recordId())
                .containsExactlyElementsOf(
                        captured.stream().map(CapturedRecord::recordId).toList())
                .doesNotHaveDuplicates();
        assertThat(server.records("s2")).isEmpty();
        assertThat(server.acceptedRecordCount("s1")).isEqualTo(3);
        assertThat(server.acceptedBytes("s1")).isEqualTo(30);
    }

    @Test
    void fiveHundredRecordsAreAcceptedAndFiveHundredAndOneRefused(LocalFirehose server) throws Exception {
        assertThat(put("s1", records(500, 1)).requestResponses()).hasSize(500);
        assertRefused(() -> put("s1", records(501, 1)), "InvalidArgumentException", 400, "less than or equal to 500");
        assertThat(server.records("s1")).hasSize(500);
    }

    @Test
    void fourMiBIsAcceptedAndOneByteMoreRefused(LocalFirehose server) throws Exception {
        List<Record> exact = new ArrayList<>(records(4, 1_024_000));
        exact.add(Record.builder()
                .data(SdkBytes.fromByteArray(new byte[4 * 1024 * 1024 - 4 * 1_024_000]))
                .build());
        assertThat(put("s1", exact).failedPutCount()).isZero();

        List<Record> over = new ArrayList<>(records(4, 1_024_000));
        over.add(Record.builder()
                .data(SdkBytes.fromByteArray(new byte[4 * 1024 * 1024 - 4 * 1_024_000 + 1]))
                .build());
        assertRefused(() -> put("s1", over), "InvalidArgumentException", 400, "4 MB");
        assertThat(server.records("s1")).hasSize(5);
    }

    @Test
    void aRecordOf1024000BytesIsAcceptedAndOneByteMoreRefused() throws Exception {
        assertThat(put("s1", records(1, 1_024_000)).failedPutCount()).isZero();
        assertRefused(() -> put("s1", records(1, 1_024_001)), "InvalidArgumentException", 400, "1024000");
        assertRefused(() -> put("s1", List.of()), "InvalidArgumentException", 400, "greater than or equal to 1");
    }

    @Test
    void unknownStreamsAreNotFound() {
        assertRefused(() -> put("nope", records(1, 1)), "ResourceNotFoundException", 400, "nope");
        assertRefused(
                () -> result(client.describeDeliveryStream(r -> r.deliveryStreamName("nope"))),
                "ResourceNotFoundException",
                400,
                "000000000000");
    }

    @Test
    void putRecordAndDescribeDeliveryStreamAnswerLikeFirehose(LocalFirehose server) throws Exception {
        PutRecordResponse single = result(
                client.putRecord(r -> r.deliveryStreamName("s2").record(b -> b.data(SdkBytes.fromUtf8String("one")))));
        assertThat(single.recordId()).isEqualTo(server.records("s2").get(0).recordId());

        DeliveryStreamDescription description = result(client.describeDeliveryStream(r -> r.deliveryStreamName("s2")))
                .deliveryStreamDescription();
        assertThat(description.deliveryStreamARN())
                .isEqualTo("arn:aws:firehose:us-east-1:000000000000:deliverystream/s2");
        assertThat(description.deliveryStreamStatusAsString()).isEqualTo("ACTIVE");
        assertThat(description.destinations()).hasSize(1);
        assertThat(description
                        .destinations()
                        .get(0)
                        .extendedS3DestinationDescription()
                        .bucketARN())
                .startsWith("arn:aws:s3:::");
        assertThat(server.requests())
                .extracting(CapturedRequest::action)
                .containsExactly("PutRecord", "DescribeDeliveryStream");
    }

    @Test
    void requestsSignedWithAWrongSecretOrUnknownKeyAreRefused(LocalFirehose server) {
        try (FirehoseAsyncClient wrongSecret = SdkClients.firehose(
                        server,
                        StaticCredentialsProvider.create(
                                AwsBasicCredentials.create(server.credentials().accessKeyId(), "not-the-secret")));
                FirehoseAsyncClient unknownKey = SdkClients.firehose(
                        server, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAUNKNOWN", "x")))) {
            assertRefused(
                    () -> result(wrongSecret.putRecordBatch(
                            r -> r.deliveryStreamName("s1").records(records(1, 1)))),
                    "InvalidSignatureException",
                    400,
                    "signature");
            assertRefused(
                    () -> result(unknownKey.putRecordBatch(
                            r -> r.deliveryStreamName("s1").records(records(1, 1)))),
                    "UnrecognizedClientException",
                    400,
                    "security token");
        }
        assertThat(server.records("s1")).isEmpty();
        assertThat(server.requests()).extracting(CapturedRequest::accessKeyId).containsOnlyNulls();
    }

    @Test
    void credentialsCanBeAddedAndRevokedWhileRunning(LocalFirehose server) throws Exception {
        AwsBasicCredentials extra = AwsBasicCredentials.create("AKIAEXTRA", "extra-secret");
        server.acceptCredentials(extra);
        try (FirehoseAsyncClient other = SdkClients.firehose(server, StaticCredentialsProvider.create(extra))) {
            result(other.putRecordBatch(r -> r.deliveryStreamName("s1").records(records(1, 1))));
            assertThat(server.requests().get(0).accessKeyId()).isEqualTo("AKIAEXTRA");
            server.revokeCredentials("AKIAEXTRA");
            assertRefused(
                    () -> result(
                            other.putRecordBatch(r -> r.deliveryStreamName("s1").records(records(1, 1)))),
                    "UnrecognizedClientException",
                    400,
                    "invalid");
        }
    }

    @Test
    void scriptedFaultsAnswerLikeFirehoseDoes(LocalFirehose server) throws Exception {
        server.enqueueFaults(
                Fault.throttle(),
                Fault.serverError(),
                Fault.error(400, "AccessDeniedException"),
                Fault.connectionReset(),
                Fault.failRecords("InternalFailure", 0, 2),
                Fault.delay(Duration.ofMillis(20)),
                Fault.lostResponse());
        assertRefused(() -> put("s1", records(3, 1)), "ServiceUnavailableException", 500, "Slow down");
        assertRefused(() -> put("s1", records(3, 1)), "InternalFailure", 500, "Injected");
        assertRefused(() -> put("s1", records(3, 1)), "AccessDeniedException", 400, "Injected");
        assertThatThrownBy(() -> put("s1", records(3, 1))).isInstanceOf(SdkClientException.class);

        PutRecordBatchResponse partial = put("s1", records(3, 1));
        assertThat(partial.failedPutCount()).isEqualTo(2);
        assertThat(partial.requestResponses())
                .extracting(e -> e.errorCode())
                .containsExactly("InternalFailure", null, "InternalFailure");
        assertThat(server.records("s1")).extracting(CapturedRecord::index).containsExactly(1);

        assertThat(put("s1", records(1, 1)).failedPutCount()).isZero();
        assertThat(server.records("s1")).hasSize(2);
        assertThatThrownBy(() -> put("s1", records(2, 1))).isInstanceOf(SdkClientException.class);
        assertThat(server.records("s1"))
                .as("a lost response still stores the records")
                .hasSize(4);
        assertThat(server.requests())
                .extracting(CapturedRequest::outcome)
                .containsExactly(
                        "ServiceUnavailableException",
                        "InternalFailure",
                        "AccessDeniedException",
                        "CONNECTION_RESET",
                        "OK",
                        "OK",
                        "LOST_RESPONSE");
        assertThat(server.requests().get(4).failedRecordIndexes()).containsExactly(0, 2);
        assertThat(server.requests())
                .extracting(CapturedRequest::answerDelay)
                .containsExactly(
                        Duration.ZERO,
                        Duration.ZERO,
                        Duration.ZERO,
                        Duration.ZERO,
                        Duration.ZERO,
                        Duration.ofMillis(20),
                        Duration.ZERO);
    }

    @Test
    void latencySpikesHoldBackAnswersOfStoredCallsAndRepeatForTheSameSeed(LocalFirehose server) throws Exception {
        FaultPlan plan = FaultPlan.builder()
                .seed(11)
                .latencySpikes(0.5, Duration.ofMillis(5), Duration.ofMillis(25))
                .build();
        List<Duration> first = answerDelays(server, plan);
        List<Duration> second = answerDelays(server, plan);

        assertThat(first).isEqualTo(second);
        assertThat(first).contains(Duration.ZERO);
        assertThat(first)
                .filteredOn(delay -> !delay.isZero())
                .isNotEmpty()
                .allSatisfy(delay -> assertThat(delay).isBetween(Duration.ofMillis(5), Duration.ofMillis(25)));
        assertThat(server.records("s1"))
                .as("a held-back answer still stores its records")
                .hasSize(20 * 2);
        assertThat(plan.isNone()).isFalse();
        assertThatThrownBy(() -> FaultPlan.builder().latencySpikes(1.5, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("latencySpikes rate must be between 0 and 1, was 1.5");
        assertThatThrownBy(() -> FaultPlan.builder().latencySpikes(0.1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .hasMessageContaining("latencySpikes needs 0 <= min <= max");
    }

    private static List<Duration> answerDelays(LocalFirehose server, FaultPlan plan) throws Exception {
        server.reset();
        server.faults(plan);
        for (int i = 0; i < 20; i++) {
            assertThat(put("s1", records(2, 1)).failedPutCount()).isZero();
        }
        return server.requests().stream().map(CapturedRequest::answerDelay).toList();
    }

    @Test
    void randomFaultsRepeatForTheSameSeed(LocalFirehose server) throws Exception {
        FaultPlan plan = FaultPlan.builder()
                .seed(7)
                .recordFailureRate(0.2)
                .throttleRate(0.2)
                .serverErrorRate(0.1)
                .build();
        List<String> first = outcomes(server, plan);
        List<String> second = outcomes(server, plan);
        assertThat(commonPrefix(first, second)).isEqualTo(commonPrefix(second, first));
        assertThat(first).contains("ServiceUnavailableException", "InternalFailure");
        assertThat(first).anyMatch(o -> o.startsWith("OK["));
        List<String> otherSeed = outcomes(
                server,
                FaultPlan.builder()
                        .seed(8)
                        .recordFailureRate(0.2)
                        .throttleRate(0.2)
                        .build());
        assertThat(commonPrefix(otherSeed, first)).isNotEqualTo(commonPrefix(first, otherSeed));
    }

    /**
     * The entries of {@code a} that {@code b} has too. The outcome of call n depends only on the seed and n, so lists
     * of one seed agree position by position even when the SDK lost a call on its side (it closes a connection after
     * a 5xx answer, and once in a while the next call was already on it): the server either never saw that call (its
     * list is one shorter) or captured it with its number as usual.
     */
    private static List<String> commonPrefix(List<String> a, List<String> b) {
        int length = Math.min(a.size(), b.size());
        assertThat(length).as("calls that reached the server").isGreaterThanOrEqualTo(25);
        return a.subList(0, length);
    }

    private static List<String> outcomes(LocalFirehose server, FaultPlan plan) throws Exception {
        server.reset();
        server.faults(plan);
        for (int i = 0; i < 30; i++) {
            try {
                put("s1", records(10, 1));
            } catch (AwsServiceException expected) {
                // the outcome is read from the captures
            } catch (software.amazon.awssdk.core.exception.SdkClientException lostOnTheClientSide) {
                // see commonPrefix
            }
        }
        // sequence numbers keep counting across resets, so compare outcomes by position
        return server.requests().stream()
                .map(r -> r.outcome() + (r.outcome().equals("OK") ? r.failedRecordIndexes() : ""))
                .toList();
    }

    @Test
    void heldResponsesAreSentOnResume(LocalFirehose server) throws Exception {
        server.pauseResponses();
        CompletableFuture<PutRecordBatchResponse> pending =
                client.putRecordBatch(r -> r.deliveryStreamName("s1").records(records(2, 1)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> server.pausedResponses() > 0);
        assertThat(server.pausedResponses()).isEqualTo(1);
        assertThat(pending).isNotDone();
        assertThat(server.records("s1")).hasSize(2);
        server.resumeResponses();
        assertThat(result(pending).failedPutCount()).isZero();
    }

    @Test
    void aResetWaitsForTheCallBeingHandledAndCallsAfterItSeeOnlyTheNewState(LocalFirehose server) throws Exception {
        server.faults(FaultPlan.builder().throttleRate(1.0).build());
        assertRefused(() -> put("s1", records(1, 1)), "ServiceUnavailableException", 500, "Slow down");
        var handling = server.callHandling();
        handling.readLock().lock(); // as a call being handled does
        Thread resetting = new Thread(server::reset, "reset");
        CompletableFuture<PutRecordBatchResponse> arriving;
        try {
            resetting.start();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(handling::hasQueuedThreads);
            assertThat(server.requests())
                    .as("not reset while a call is handled")
                    .hasSize(1);
            arriving = client.putRecordBatch(r -> r.deliveryStreamName("s1").records(records(2, 1)));
            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> handling.getQueueLength() == 2);
            assertThat(arriving)
                    .as("a call that arrives during the reset waits for it")
                    .isNotDone();
        } finally {
            handling.readLock().unlock();
        }
        resetting.join(10_000);
        assertThat(resetting.isAlive()).isFalse();
        assertThat(result(arriving).failedPutCount())
                .as("handled with the reset's fault-free plan")
                .isZero();
        assertThat(server.requests())
                .extracting(CapturedRequest::sequence, CapturedRequest::outcome)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1L, "OK"));
        assertThat(server.records("s1")).hasSize(2);
    }

    @Test
    void malformedBodiesAreSerializationErrors() throws Exception {
        RawClient raw = new RawClient(FIREHOSE.server());
        RawClient.Response response = raw.post(
                "PutRecordBatch", "{\"DeliveryStreamName\":\"s1\",\"Records\":[{\"Data\":12}]}".getBytes(UTF_8));
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("SerializationException");
        response = raw.post("Nonsense", "{}".getBytes(UTF_8));
        assertThat(response.body()).contains("UnknownOperationException");

        byte[] brokenForm = "Action=AssumeRole&RoleArn=%zz".getBytes(UTF_8);
        response = raw.post("AssumeRole", brokenForm, brokenForm, java.time.Clock.systemUTC(), headers -> {
            headers.put("Content-Type", List.of("application/x-www-form-urlencoded"));
            return headers;
        });
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("<Code>MalformedQueryString</Code>");
    }
}
