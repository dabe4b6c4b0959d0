package io.securefirehose.internal.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.securefirehose.PlainListener;
import io.securefirehose.ProducerConfig;
import io.securefirehose.RecordReceipt;
import io.securefirehose.RequestPath;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.internal.producer.CoreTestSupport;
import io.securefirehose.internal.producer.PendingRecord;
import io.securefirehose.internal.producer.TestRecords;
import io.securefirehose.internal.tls.SecureConnector;
import io.securefirehose.internal.tls.SecureHttpClient;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.FirehoseAnswers;
import io.securefirehose.testkit.CapturedRequest;
import io.securefirehose.testkit.Fault;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseExtension;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The lean transport against the SDK transport, answer for answer, over HTTPS to the local endpoint (which checks
 * every request's SigV4 signature): every documented answer shape must give the same outcome, exception class,
 * error code, message, status and retry decision on both paths.
 */
class LeanBatchTransportTest {

    @RegisterExtension
    static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("t"));

    @RegisterExtension
    final TestResources resources = new TestResources();

    static final List<PendingRecord> THREE =
            TestRecords.own(List.of("a".getBytes(UTF_8), "b".getBytes(UTF_8), "c".getBytes(UTF_8)));

    static Stream<Arguments> documentedAnswers() {
        return Stream.of(
                answer(
                        500,
                        "ServiceUnavailableException",
                        "{\"__type\":\"ServiceUnavailableException\"," + "\"message\":\"Slow down.\"}"),
                answer(400, "", "{\"__type\":\"ResourceNotFoundException\",\"message\":\"Stream t not found\"}"),
                answer(
                        400,
                        "",
                        "{\"__type\":\"com.amazonaws.firehose.v20150804#InvalidArgumentException\","
                                + "\"message\":\"bad record\"}"),
                answer(
                        400,
                        "InvalidKMSResourceException:http://internal.amazon.com/coral/com.amazonaws.firehose/",
                        "{\"message\":\"key disabled\"}"),
                answer(400, "", "{\"__type\":\"InvalidSourceException\",\"Message\":\"source\"}"),
                answer(400, "ThrottlingException", ""),
                answer(
                        400,
                        "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/",
                        "{\"__type\":\"InvalidArgumentException\",\"message\":\"the header names the error\"}"),
                answer(400, "", "{\"__type\":\"LimitExceededException\"}"),
                answer(400, "", "{\"__type\":\"ResourceInUseException\",\"message\":\"busy\"}"),
                answer(400, "", "{\"__type\":\"ConcurrentModificationException\",\"message\":\"again\"}"),
                answer(400, "", "{\"__type\":\"AccessDeniedException\",\"Message\":\"not authorized\"}"),
                answer(403, "", "{\"__type\":\"UnrecognizedClientException\",\"message\":\"invalid token\"}"),
                answer(400, "", "{\"__type\":\"ThrottlingException\",\"message\":\"Rate exceeded\"}"),
                answer(400, "", "{\"code\":\"ValidationException\",\"message\":\"invalid\"}"),
                answer(500, "", "{\"__type\":\"InternalFailure\"}"),
                answer(429, "", ""),
                answer(502, "", "<html><body>Bad Gateway</body></html>"),
                answer(503, "", ""),
                answer(413, "", "{\"message\":\"Request entity too large\"}"),
                answer(
                        200,
                        "",
                        "{\"FailedPutCount\":2,\"Encrypted\":true,\"RequestResponses\":[{\"RecordId\":\"r1\"},"
                                + "{\"ErrorCode\":\"ServiceUnavailableException\",\"ErrorMessage\":\"Slow down.\"},"
                                + "{\"ErrorCode\":\"InternalFailure\",\"ErrorMessage\":\"x\"}]}"),
                answer(
                        200,
                        "",
                        "{\"Extra\":{\"a\":[1,{\"b\":null}]},\"FailedPutCount\":0,\"RequestResponses\":"
                                + "[{\"RecordId\":\"a\",\"Other\":1},{\"RecordId\":\"b\"},{\"RecordId\":\"c\"}]}"));
    }

    private static Arguments answer(int status, String errorType, String body) {
        return Arguments.of(status, errorType, body);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("documentedAnswers")
    void everyDocumentedAnswerMeansTheSameOnBothPaths(int status, String errorType, String body, LocalFirehose server)
            throws Exception {
        ProducerConfig config = CoreTestSupport.transportConfig(server, "t", Duration.ofSeconds(20));
        SdkBatchTransport sdk = resources.add(SdkBatchTransport.create(config, new SecurityEvents()));
        LeanBatchTransport lean =
                resources.add(LeanBatchTransport.create(config, new SecurityEvents(), config.credentialsProvider()));

        server.enqueueFaults(Fault.answer(status, errorType, body));
        Outcome viaSdk = Outcome.of(sdk.send(THREE));
        server.enqueueFaults(Fault.answer(status, errorType, body));
        Outcome viaLean = Outcome.of(lean.send(THREE));

        assertThat(viaLean).isEqualTo(viaSdk);
        assertThat(server.requests()).extracting(CapturedRequest::outcome).containsExactly("ANSWER", "ANSWER");
    }

    @Test
    void aCallLongerThanTheRequestTimeoutFailsAsATimeoutOnBothPaths(LocalFirehose server) throws Exception {
        ProducerConfig config = CoreTestSupport.transportConfig(server, "t", Duration.ofMillis(200));
        SdkBatchTransport sdk = resources.add(SdkBatchTransport.create(config, new SecurityEvents()));
        LeanBatchTransport lean =
                resources.add(LeanBatchTransport.create(config, new SecurityEvents(), config.credentialsProvider()));
        server.enqueueFaults(Fault.delay(Duration.ofSeconds(30)), Fault.delay(Duration.ofSeconds(30)));
        Outcome viaSdk = Outcome.of(sdk.send(THREE));
        Outcome viaLean = Outcome.of(lean.send(THREE));
        assertThat(viaSdk.failure()).startsWith("RequestTimeout retriable=true");
        assertThat(viaLean.failure()).startsWith("RequestTimeout retriable=true");
    }

    @Test
    void bothPathsReadTheRecordsBeforeSendReturnsSoTheirSlabsMayBeReusedAtOnce(LocalFirehose server) throws Exception {
        ProducerConfig config = CoreTestSupport.transportConfig(server, "t", Duration.ofSeconds(20));
        List<BatchTransport> transports = List.of(
                resources.add(SdkBatchTransport.create(config, new SecurityEvents())),
                resources.add(LeanBatchTransport.create(config, new SecurityEvents(), config.credentialsProvider())));
        for (BatchTransport transport : transports) {
            server.reset();
            List<PendingRecord> held = TestRecords.asHeld(List.of("first".getBytes(UTF_8), "second".getBytes(UTF_8)));
            byte[] slab = held.get(0).encoded();
            assertThat(slab).isNotNull().isSameAs(held.get(1).encoded());
            CompletableFuture<BatchResponse> call = transport.send(held);
            java.util.Arrays.fill(slab, (byte) 'A'); // as records of a later batch would
            BatchResponse response = call.get(20, TimeUnit.SECONDS);
            assertThat(response.recordId(0)).isNotNull();
            assertThat(response.recordId(1)).isNotNull();
            assertThat(server.records("t"))
                    .extracting(r -> new String(r.data(), UTF_8))
                    .containsExactly("first", "second");
        }
    }

    @Test
    void anAnswerLargerThanAnyFirehoseAnswerIsRefusedAndRetried(LocalFirehose server) throws Exception {
        ProducerConfig config = CoreTestSupport.transportConfig(server, "t", Duration.ofSeconds(20));
        LeanBatchTransport lean =
                resources.add(LeanBatchTransport.create(config, new SecurityEvents(), config.credentialsProvider()));
        String huge = "{\"Pad\":\"" + "x".repeat(FirehoseAnswers.MAX_ANSWER_BYTES) + "\"}";
        server.enqueueFaults(Fault.answer(200, "", huge));
        Outcome outcome = Outcome.of(lean.send(THREE));
        assertThat(outcome.failure())
                .startsWith("MalformedResponse retriable=true")
                .contains("longer than");
    }

    static Stream<Arguments> malformedAnswers() {
        return Stream.of(
                answer(200, "", "not json"),
                answer(200, "", "{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"}"),
                answer(200, "", "{\"FailedPutCount\":0}"),
                answer(
                        200,
                        "",
                        "{\"FailedPutCount\":0,\"RequestResponses\":[{\"RecordId\":\"a\"},{\"RecordId\":\"b\"}]}"),
                answer(200, "", "[]"));
    }

    /**
     * Answers that are not of the documented shape may be named differently by the two paths, but both must
     * decide the same: retry, and deliver the record once the endpoint answers properly.
     */
    @ParameterizedTest(name = "{2}")
    @MethodSource("malformedAnswers")
    void aMalformedAnswerIsRetriedOnBothPaths(int status, String errorType, String body, LocalFirehose server)
            throws Exception {
        for (RequestPath path : RequestPath.values()) {
            server.reset();
            server.enqueueFaults(Fault.answer(status, errorType, body));
            SecureFirehoseProducer producer = resources.add(TestResources.producerFor(server, "t")
                    .requestPath(path)
                    .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                    .build());
            RecordReceipt receipt = producer.send("once".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
            assertThat(receipt.attempts()).as(path.name()).isEqualTo(2);
            assertThat(server.records("t")).as(path.name()).hasSize(1);
        }
    }

    @Test
    void partialFailuresAndRefusalsSettleRecordsAlikeOnBothPaths(LocalFirehose server) throws Exception {
        List<List<String>> settled = new ArrayList<>();
        for (RequestPath path : RequestPath.values()) {
            server.reset();
            server.enqueueFaults(
                    Fault.failRecords("ServiceUnavailableException", 1, 3),
                    Fault.failRecords("InternalFailure", 0),
                    Fault.error(400, "InvalidArgumentException"));
            SecureFirehoseProducer producer = resources.add(TestResources.producerFor(server, "t")
                    .requestPath(path)
                    .linger(Duration.ofMillis(50))
                    .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(2))
                    .build());
            List<CompletableFuture<RecordReceipt>> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(producer.send(("r" + i).getBytes(UTF_8)));
            }
            producer.flush();
            List<String> outcomes = new ArrayList<>();
            for (CompletableFuture<RecordReceipt> future : sent) {
                try {
                    outcomes.add("ok after " + future.get(30, TimeUnit.SECONDS).attempts());
                } catch (ExecutionException e) {
                    DeliveryFailedException failed = (DeliveryFailedException) e.getCause();
                    outcomes.add(failed.errorCode() + " after " + failed.attempts());
                }
            }
            settled.add(outcomes);
            assertThat(server.requests()).as(path.name()).hasSize(3);
        }
        assertThat(settled.get(0)).isEqualTo(settled.get(1));
    }

    /** What a call came to, in terms the producer acts on. */
    record Outcome(String accepted, String failure) {

        static Outcome of(CompletableFuture<BatchResponse> call) throws Exception {
            try {
                BatchResponse response = call.get(30, TimeUnit.SECONDS);
                StringBuilder entries = new StringBuilder("encrypted=" + response.encrypted());
                for (int i = 0; i < response.size(); i++) {
                    entries.append(' ').append(response.recordId(i)).append('/').append(response.errorCode(i));
                }
                return new Outcome(entries.toString(), "");
            } catch (ExecutionException e) {
                RequestFailure failure = RequestFailure.classify(e.getCause());
                String service = failure.cause() instanceof AwsServiceException aws
                        ? " " + aws.getClass().getName() + " status=" + aws.statusCode() + " code="
                                + aws.awsErrorDetails().errorCode() + " message="
                                + aws.awsErrorDetails().errorMessage()
                        : "";
                return new Outcome(
                        "",
                        failure.code() + " retriable=" + failure.retriable() + " throttled=" + failure.throttled()
                                + " message=" + failure.message() + service);
            }
        }
    }

    @Test
    void theLeanPathConnectsOnlyToItsOwnHttpsEndpoint(LocalFirehose server) throws Exception {
        PlainListener listener = resources.add(PlainListener.start());
        SecureHttpClient.Rules rules = new SecureHttpClient.Rules(
                TrustMaterial.fromPem(server.trustPem()), TlsPolicy.MODERN, null, HostResolver.system());

        // Its connections are opened by a connector built for one https endpoint; one for clear text is never built.
        Throwable refused = catchThrowable(() ->
                SecureConnector.create("guard-test", listener.httpUri(), rules, TlsEngine.JDK, new SecurityEvents()));

        assertThat(refused)
                .isInstanceOf(EndpointPolicyViolationException.class)
                .hasMessageContaining("is not https://host[:port]: every connection of this SDK uses TLS");
        assertThat(listener.bytesReceived()).isZero();
        // The request's Host header (signed, and checked with the signature) is the connector's endpoint.
        LeanBatchTransport lean = resources.add(new LeanBatchTransport(
                SecureConnector.create("guard-test", server.endpoint(), rules, TlsEngine.JDK, new SecurityEvents()),
                server.credentialsProvider(),
                server.region(),
                "t",
                Duration.ofSeconds(20),
                2));
        lean.send(THREE).get(20, TimeUnit.SECONDS);
        assertThat(server.requests())
                .extracting(CapturedRequest::outcome, CapturedRequest::accessKeyId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(
                        "OK", server.credentials().accessKeyId()));
    }

    @Test
    void aCredentialWithALineBreakFailsTheCallNamingTheHeaderAndNothingIsSent(LocalFirehose server) throws Exception {
        server.reset();
        ProducerConfig config = CoreTestSupport.transportConfig(server, "t", Duration.ofSeconds(20));
        // A session token from a broken credentials source that would put a second header on the wire.
        AwsSessionCredentials broken = AwsSessionCredentials.create(
                server.credentials().accessKeyId(),
                server.credentials().secretAccessKey(),
                "s3cr3t-session\r\nX-Injected: 1");
        LeanBatchTransport lean = resources.add(
                LeanBatchTransport.create(config, new SecurityEvents(), StaticCredentialsProvider.create(broken)));

        Throwable failure = catchThrowable(() -> lean.send(THREE).get(20, TimeUnit.SECONDS));

        RequestFailure classified = RequestFailure.classify(failure);
        assertThat(classified.retriable()).isFalse();
        assertThat(classified.message())
                .contains("X-Amz-Security-Token")
                .contains("0xd at 14")
                .as("the credential itself is never in the message")
                .doesNotContain("s3cr3t");
        assertThat(server.connectionsAccepted()).isZero();
        assertThat(server.requests()).isEmpty();
    }
}
