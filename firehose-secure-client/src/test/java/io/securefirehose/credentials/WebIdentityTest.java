package io.securefirehose.credentials;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.CapturedAssumeRole;
import io.securefirehose.testkit.CapturedRequest;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseBuilder;
import io.securefirehose.time.ManualScheduler;
import io.securefirehose.transport.TrustMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web identity base credentials exchanged by the producer's own STS client (LocalFirehose's STS answers
 * {@code AssumeRoleWithWebIdentity} for a configured role and token), so that the exchange obeys the producer's TLS
 * policy like every other connection.
 */
class WebIdentityTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/eks-orders";
    private static final String PRODUCER_ROLE = "arn:aws:iam::111122223333:role/producer";
    private static final String STREAM = "orders";

    @RegisterExtension
    final TestResources resources = new TestResources();

    @TempDir
    Path temp;

    private LocalFirehose server(UnaryOperator<LocalFirehoseBuilder> settings) {
        return resources.add(settings.apply(LocalFirehose.builder().accountId("111122223333").stream(STREAM)
                        .webIdentityRole(ROLE, "token-of-the-pod")
                        .requireSessionCredentials(true))
                .start());
    }

    private Path token(String text) throws Exception {
        return Files.writeString(temp.resolve("token"), text + "\n", UTF_8);
    }

    private SecureFirehoseProducer producer(
            LocalFirehose firehose, LocalFirehose sts, Path token, UnaryOperator<ProducerBuilder> more) {
        SecureFirehoseProducer producer = more.apply(SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region(firehose.region())
                        .endpoint(firehose.endpoint())
                        .trustMaterial(TrustMaterial.fromPem(firehose.trustPem() + sts.trustPem()))
                        .linger(Duration.ZERO)
                        .webIdentity(WebIdentity.role(ROLE)
                                .tokenFile(token)
                                .sessionName("orders-pod-1")
                                .stsEndpoint(sts.endpoint())
                                .build()))
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    private static String lastSigner(LocalFirehose server) {
        List<CapturedRequest> puts = server.requests().stream()
                .filter(r -> r.action().equals("PutRecordBatch") && r.outcome().equals("OK"))
                .toList();
        return puts.get(puts.size() - 1).accessKeyId();
    }

    @Test
    void theTokenIsExchangedByTheProducersStsClientAndTheSessionSigns() throws Exception {
        LocalFirehose server = server(b -> b);
        SecureFirehoseProducer producer = producer(server, server, token("token-of-the-pod"), b -> b);
        RecordReceipt receipt = producer.send("from the pod".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertThat(receipt.recordId()).isNotBlank();
        CapturedAssumeRole exchange = server.assumeRoleRequests().get(0);
        assertThat(exchange.outcome()).isEqualTo("AssumeRoleWithWebIdentity OK");
        assertThat(exchange.roleArn()).isEqualTo(ROLE);
        assertThat(exchange.roleSessionName()).isEqualTo("orders-pod-1");
        assertThat(lastSigner(server)).isEqualTo(exchange.issuedAccessKeyId());
    }

    @Test
    void theWebIdentitySessionAssumesTheProducersRoleWithTheSessionPolicy() throws Exception {
        LocalFirehose server = server(b -> b.role(PRODUCER_ROLE));
        SecureFirehoseProducer producer = producer(
                server,
                server,
                token("token-of-the-pod"),
                b -> b.assumeRole(AssumeRole.role(PRODUCER_ROLE)
                        .stsEndpoint(server.endpoint())
                        .build()));
        producer.send("narrowed".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        List<CapturedAssumeRole> calls = server.assumeRoleRequests();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).outcome()).isEqualTo("AssumeRoleWithWebIdentity OK");
        assertThat(calls.get(1).roleArn()).isEqualTo(PRODUCER_ROLE);
        assertThat(calls.get(1).callerAccessKeyId())
                .as("AssumeRole is signed with the web identity session")
                .isEqualTo(calls.get(0).issuedAccessKeyId());
        assertThat(calls.get(1).policy()).contains("deliverystream/" + STREAM);
        assertThat(lastSigner(server)).isEqualTo(calls.get(1).issuedAccessKeyId());
    }

    @Test
    void theTokenFileIsReadAgainAtEveryRefresh() throws Exception {
        ManualScheduler time = resources.add(new ManualScheduler());
        LocalFirehose server =
                server(b -> b.sessionDuration(Duration.ofMinutes(15)).clock(time.wallClock()));
        Path token = token("token-of-the-pod");
        SecureFirehoseProducer producer = producer(
                server,
                server,
                token,
                b -> b.scheduler(time).deliveryTimeout(Duration.ofMinutes(2)).requestTimeout(Duration.ofSeconds(30)));
        time.advance(Duration.ZERO);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> server.assumeRoleRequests().size() == 1);
        time.awaitIdle();
        producer.send("first".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);

        // The kubelet rotates the token; this server accepts only the first one, so the refresh shows what was sent.
        Files.writeString(token, "rotated-token\n", UTF_8);
        time.advance(Duration.ofMinutes(10));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> server.assumeRoleRequests().size() == 2);
        assertThat(server.assumeRoleRequests().get(1).outcome())
                .isEqualTo("AssumeRoleWithWebIdentity InvalidIdentityToken");
    }

    @Test
    void aTokenStsRefusesFailsRecordsAtOnceWithStsAnswer() throws Exception {
        LocalFirehose server = server(b -> b);
        SecureFirehoseProducer producer = producer(server, server, token("someone-elses-token"), b -> b);
        CompletableFuture<RecordReceipt> future = producer.send("never".getBytes(UTF_8));
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        CredentialsUnavailableException.class,
                        e -> assertThat(e.getMessage())
                                .contains(
                                        "AssumeRoleWithWebIdentity of " + ROLE + " failed with InvalidIdentityToken"));
        assertThat(server.records(STREAM)).isEmpty();
    }

    @Test
    void anStsEndpointWithWeakTlsIsRefusedForTheTokenExchangeToo() throws Exception {
        LocalFirehose firehose = server(b -> b);
        LocalFirehose weakSts = server(b -> b.tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        SecureFirehoseProducer producer = producer(firehose, weakSts, token("token-of-the-pod"), b -> b);
        CompletableFuture<RecordReceipt> future = producer.send("never".getBytes(UTF_8));
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(CredentialsUnavailableException.class, e -> {
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(TlsPolicyViolationException.class);
                });
        assertThat(weakSts.applicationBytesReceived()).isZero();
        assertThat(firehose.records(STREAM)).isEmpty();
    }

    @Test
    void theSettingsAreReadWhereTheSdksDefaultChainReadsThem() throws Exception {
        assertThat(WebIdentity.fromVariables(Map.of())).isEmpty();
        assertThat(WebIdentity.fromVariables(Map.of("AWS_ROLE_ARN", ROLE))).isEmpty();
        WebIdentity read = WebIdentity.fromVariables(Map.of(
                        "AWS_ROLE_ARN", ROLE,
                        "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/secrets/eks.amazonaws.com/serviceaccount/token",
                        "AWS_ROLE_SESSION_NAME", "pod-7"))
                .orElseThrow();
        assertThat(read.roleArn()).isEqualTo(ROLE);
        assertThat(read.tokenFile()).hasToString("/var/run/secrets/eks.amazonaws.com/serviceaccount/token");
        assertThat(read.sessionName()).isEqualTo("pod-7");

        // Without a credentialsProvider, a producer finds them as the SDK would (here: system properties).
        Path token = token("t");
        System.setProperty("aws.roleArn", ROLE);
        System.setProperty("aws.webIdentityTokenFile", token.toString());
        try {
            ProducerBuilder builder =
                    SecureFirehoseProducer.builder().deliveryStream(STREAM).region("us-east-1");
            assertThat(builder.buildConfig().webIdentity())
                    .isNotNull()
                    .satisfies(w -> assertThat(w.tokenFile()).isEqualTo(token));
            assertThat(builder.credentialsProvider(
                                    software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                            .buildConfig()
                            .webIdentity())
                    .as("an explicit provider wins")
                    .isNull();
        } finally {
            System.clearProperty("aws.roleArn");
            System.clearProperty("aws.webIdentityTokenFile");
        }
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region("us-east-1")
                        .credentialsProvider(
                                software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                        .webIdentity(WebIdentity.role(ROLE).tokenFile(token).build())
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("credentialsProvider and webIdentity");
        assertThatThrownBy(() -> WebIdentity.role(ROLE).build()).hasMessageContaining("tokenFile is required");
        assertThatThrownBy(() -> WebIdentity.role("arn:aws:iam::1:role/x")).hasMessageContaining("roleArn");
    }
}
