package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.ServiceFailure.Service;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.LocalFirehose;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ProducerBuilder#serviceFailureListener} sees each failed call to Firehose, STS and KMS as it happens, with
 * the endpoint, the code and whether the producer takes it as final, on the producer's thread; while the records
 * behind the call keep the documented semantics (still waiting, or failed at once when the answer is final). Every
 * endpoint is a local one, a closed loopback port, or a name the tests' hosts file does not know.
 */
class ServiceFailureListenerTest {

    private static final String STREAM = "orders";
    private static final String KEY_ID = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String ROLE = "arn:aws:iam::000000000000:role/orders-producer";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final TestResources resources = new TestResources();

    private final BlockingQueue<ServiceFailure> failures = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> listenerThreads = new LinkedBlockingQueue<>();

    private LocalFirehose server() {
        return resources.add(
                LocalFirehose.builder().stream(STREAM).kmsKey(KEY_ID).role(ROLE).start());
    }

    private SecureFirehoseProducer producer(LocalFirehose server, UnaryOperator<ProducerBuilder> settings) {
        SecureFirehoseProducer producer = settings.apply(TestResources.producerFor(server, STREAM)
                        .linger(Duration.ZERO)
                        .serviceFailureListener(failure -> {
                            listenerThreads.add(Thread.currentThread().getName());
                            failures.add(failure);
                        }))
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    private ServiceFailure firstFailure() throws InterruptedException {
        ServiceFailure first = failures.poll(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(first).as("a failure reported within %s", WAIT).isNotNull();
        return first;
    }

    private static URI closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return URI.create("https://localhost:" + socket.getLocalPort());
        }
    }

    @Test
    void aKmsEndpointThatRefusesConnectionsIsReportedAtOnceWhileTheRecordWaitsForItsKey() throws Exception {
        LocalFirehose server = server();
        URI kms = closedPort();
        SecureFirehoseProducer producer = producer(
                server,
                b -> b.envelopeEncryption(EnvelopeEncryption.withKmsKey(server.kmsKeyArn(KEY_ID))
                        .kmsEndpoint(kms)
                        .streamArn(server.streamArn(STREAM))
                        .build()));

        CompletableFuture<RecordReceipt> record = producer.send("waits".getBytes(UTF_8));

        ServiceFailure failure = firstFailure();
        assertThat(failure.service()).isEqualTo(Service.KMS);
        assertThat(failure.operation()).isEqualTo("GenerateDataKey");
        assertThat(failure.endpoint()).isEqualTo(kms);
        assertThat(failure.code()).isEqualTo("ConnectException");
        assertThat(failure.unreachable()).isTrue();
        assertThat(failure.permanent()).isFalse();
        assertThat(failure.error()).isInstanceOf(EncryptionFailedException.class);
        assertThat(record)
                .as("the record still waits for a data key, up to its delivery timeout")
                .isNotDone();
        assertThat(listenerThreads.take()).isEqualTo("firehose-secure-sender-" + STREAM);
    }

    @Test
    void aKmsKeyThatDoesNotExistIsReportedAsPermanentAndItsRecordFailsWithTheSameCause() throws Exception {
        LocalFirehose server = server();
        SecureFirehoseProducer producer = producer(
                server,
                b -> b.envelopeEncryption(
                        EnvelopeEncryption.withKmsKey(server.kmsKeyArn("00000000-0000-0000-0000-000000000000"))
                                .kmsEndpoint(server.endpoint())
                                .streamArn(server.streamArn(STREAM))
                                .build()));

        CompletableFuture<RecordReceipt> record = producer.send("refused".getBytes(UTF_8));

        ServiceFailure failure = firstFailure();
        assertThat(failure.service()).isEqualTo(Service.KMS);
        assertThat(failure.code()).isEqualTo("NotFoundException");
        assertThat(failure.unreachable()).isFalse();
        assertThat(failure.permanent()).isTrue();
        assertThat(record)
                .failsWithin(WAIT)
                .withThrowableThat()
                .havingRootCause()
                .isSameAs(failure.error().getCause());
    }

    @Test
    void anStsEndpointWhoseNameDoesNotResolveIsReportedWithItsName() throws Exception {
        LocalFirehose server = server();
        URI sts = URI.create("https://sts.unresolvable.invalid");
        producer(
                server, b -> b.assumeRole(AssumeRole.role(ROLE).stsEndpoint(sts).build()));

        ServiceFailure failure = firstFailure();
        assertThat(failure.service()).isEqualTo(Service.STS);
        assertThat(failure.operation()).isEqualTo("AssumeRole");
        assertThat(failure.endpoint()).isEqualTo(sts);
        assertThat(failure.code()).isEqualTo("UnknownHostException");
        assertThat(failure.unreachable()).isTrue();
        assertThat(failure.permanent()).isFalse();
        assertThat(failure.error())
                .isInstanceOf(CredentialsUnavailableException.class)
                .hasMessageContaining("AssumeRole of " + ROLE);
    }

    @Test
    void aRoleStsRefusesIsReportedAsPermanent() throws Exception {
        LocalFirehose server = server();
        producer(
                server,
                b -> b.assumeRole(AssumeRole.role("arn:aws:iam::000000000000:role/nobody")
                        .stsEndpoint(server.endpoint())
                        .build()));

        ServiceFailure failure = firstFailure();
        assertThat(failure.service()).isEqualTo(Service.STS);
        assertThat(failure.code()).isEqualTo("AccessDenied");
        assertThat(failure.permanent()).isTrue();
        assertThat(failure.unreachable()).isFalse();
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void aFirehoseEndpointThatRefusesConnectionsIsReportedPerCallAndTheRecordIsRetried(RequestPath path)
            throws Exception {
        LocalFirehose server = server();
        URI firehose = closedPort();
        SecureFirehoseProducer producer =
                producer(server, b -> b.requestPath(path).endpoint(firehose));

        CompletableFuture<RecordReceipt> record = producer.send("retried".getBytes(UTF_8));

        ServiceFailure failure = firstFailure();
        assertThat(failure.service()).isEqualTo(Service.FIREHOSE);
        assertThat(failure.operation()).isEqualTo("PutRecordBatch");
        assertThat(failure.endpoint()).isEqualTo(firehose);
        assertThat(failure.unreachable()).isTrue();
        assertThat(failure.permanent()).isFalse();
        assertThat(record).as("retried until its delivery timeout").isNotDone();
    }

    @Test
    void aListenerThatThrowsIsCalledAgainForTheNextFailure() throws Exception {
        LocalFirehose server = server();
        AtomicInteger calls = new AtomicInteger();
        SecureFirehoseProducer producer = TestResources.producerFor(server, STREAM)
                .linger(Duration.ZERO)
                .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .endpoint(closedPort())
                .serviceFailureListener(failure -> {
                    if (calls.incrementAndGet() == 1) {
                        throw new IllegalStateException("a listener bug");
                    }
                    failures.add(failure);
                })
                .build();
        resources.add(() -> producer.close(Duration.ZERO));

        producer.send("retried".getBytes(UTF_8));

        assertThat(firstFailure().service()).isEqualTo(Service.FIREHOSE);
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aFirehoseEndpointWhoseTlsIsRefusedIsReportedAsUnreachableAndPermanent() throws Exception {
        LocalFirehose weak = resources.add(LocalFirehose.builder().stream(STREAM)
                .tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")
                .start());
        SecureFirehoseProducer producer = producer(weak, b -> b);

        CompletableFuture<RecordReceipt> record = producer.send("refused".getBytes(UTF_8));

        ServiceFailure failure = firstFailure();
        assertThat(failure.service()).isEqualTo(Service.FIREHOSE);
        assertThat(failure.error()).isInstanceOf(TlsPolicyViolationException.class);
        assertThat(failure.unreachable()).isTrue();
        assertThat(failure.permanent()).isTrue();
        assertThat(record).failsWithin(WAIT);
    }
}
