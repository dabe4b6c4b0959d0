package io.securefirehose.credentials;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.DeliveryTimeoutException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.CapturedRequest;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseBuilder;
import io.securefirehose.time.ManualScheduler;
import io.securefirehose.transport.TrustMaterial;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The producer assuming a role through LocalFirehose's STS: the session policy it sends, the credentials its
 * Firehose calls are signed with (proved by the endpoint's signature check), refresh ahead of expiry on a
 * hand-moved clock, and STS outages.
 */
class AssumeRoleTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/producer";
    private static final String STREAM = "orders";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private LocalFirehose server(UnaryOperator<LocalFirehoseBuilder> settings) {
        return resources.add(settings.apply(LocalFirehose.builder().accountId("111122223333").stream(STREAM)
                        .role(ROLE, "ext-1"))
                .start());
    }

    private SecureFirehoseProducer producer(
            LocalFirehose firehose, LocalFirehose sts, UnaryOperator<ProducerBuilder> settings) {
        SecureFirehoseProducer producer = settings.apply(SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region(firehose.region())
                        .endpoint(firehose.endpoint())
                        .credentialsProvider(sts.credentialsProvider())
                        .trustMaterial(TrustMaterial.fromPem(firehose.trustPem() + sts.trustPem()))
                        .linger(Duration.ZERO)
                        .assumeRole(AssumeRole.role(ROLE)
                                .externalId("ext-1")
                                .sessionName("orders-host-1")
                                .duration(Duration.ofMinutes(15))
                                .refreshBefore(Duration.ofMinutes(5))
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
    void theSessionPolicyIsSentAndFirehoseCallsAreSignedWithTheAssumedSession() throws Exception {
        LocalFirehose server = server(b -> b.requireSessionCredentials(true));
        SecureFirehoseProducer producer = producer(server, server, b -> b);
        RecordReceipt receipt = producer.send("assumed".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertThat(receipt.recordId()).isNotBlank();

        assertThat(server.assumeRoleRequests()).hasSize(1);
        var call = server.assumeRoleRequests().get(0);
        String expectedPolicy = LeastPrivilegePolicies.builder()
                .streamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/orders")
                .build()
                .sessionPolicyMinified();
        assertThat(call.policy()).isEqualTo(expectedPolicy);
        assertThat(call.externalId()).isEqualTo("ext-1");
        assertThat(call.roleSessionName()).isEqualTo("orders-host-1");
        assertThat(call.durationSeconds()).isEqualTo(900);
        assertThat(call.callerAccessKeyId()).isEqualTo(server.credentials().accessKeyId());
        assertThat(lastSigner(server)).isEqualTo(call.issuedAccessKeyId()).startsWith("ASIA");
        try (SecureFirehoseProducer direct = SecureFirehoseProducer.builder()
                .deliveryStream(STREAM)
                .region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .linger(Duration.ZERO)
                .build()) {
            assertThatThrownBy(() -> direct.send("long-term".getBytes(UTF_8)).get(30, TimeUnit.SECONDS))
                    .as("the same server refuses the base credentials: the put above used the session")
                    .hasMessageContaining("AccessDeniedException");
        }
        assertThat(server.requests())
                .as("STS and Firehose calls both name this SDK for CloudTrail")
                .allMatch(r -> r.userAgent().contains("firehose-secure/"));
    }

    @Test
    void theSessionPolicyCanBeNarrowedFurtherAndStsVpcEndpointsAreChecked() throws Exception {
        LocalFirehose server = server(b -> b);
        SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
                .deliveryStream(STREAM)
                .region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .linger(Duration.ZERO)
                .assumeRole(AssumeRole.role(ROLE)
                        .externalId("ext-1")
                        .sessionPolicyCondition("IpAddress", "aws:SourceIp", "127.0.0.0/8")
                        .stsEndpoint(server.endpoint())
                        .build())
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        producer.send("narrowed".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertThat(server.assumeRoleRequests().get(0).policy())
                .contains("\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"127.0.0.0/8\"}}");

        assertThatThrownBy(() -> AssumeRole.role(ROLE).sessionPolicyCondition("Ip Address", "aws:SourceIp", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AssumeRole.role(ROLE)
                        .stsVpcEndpoint("vpce-0a1b2c3d-abcdefgh.firehose.us-east-1.vpce.amazonaws.com"))
                .hasMessageContaining("sts.<region>");
        AssumeRole elsewhere = AssumeRole.role(ROLE)
                .stsVpcEndpoint("vpce-0a1b2c3d-abcdefgh.sts.eu-west-1.vpce.amazonaws.com")
                .build();
        assertThat(elsewhere.stsEndpoint()).hasHost("vpce-0a1b2c3d-abcdefgh.sts.eu-west-1.vpce.amazonaws.com");
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region("us-east-1")
                        .assumeRole(elsewhere)
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("eu-west-1")
                .hasMessageContaining("us-east-1");
        AssumeRole pinned = AssumeRole.role(ROLE)
                .stsVpcEndpoint("vpce-0a1b2c3d-abcdefgh.sts.us-east-1.vpce.amazonaws.com")
                .build();
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region("us-east-1")
                        .endpoint(server.endpoint())
                        .allowedCidrs("127.0.0.0/8")
                        .credentialsProvider(server.credentialsProvider())
                        .hostResolver(host -> List.of(java.net.InetAddress.getByName("54.239.1.1")))
                        .assumeRole(pinned)
                        .build())
                .as("the STS VPC endpoint resolving to a public address is refused at build")
                .isInstanceOf(io.securefirehose.errors.EndpointPolicyViolationException.class)
                .hasMessageContaining("sts.us-east-1.vpce.amazonaws.com");
    }

    @Test
    void credentialsAreRefreshedAheadOfExpiryAndAnStsOutageIsRiddenOutUntilTheyExpire() throws Exception {
        ManualScheduler time = new ManualScheduler();
        resources.add(time);
        LocalFirehose server =
                server(b -> b.sessionDuration(Duration.ofMinutes(15)).clock(time.wallClock()));
        SecureFirehoseProducer producer = producer(
                server,
                server,
                b -> b.scheduler(time).deliveryTimeout(Duration.ofMinutes(2)).requestTimeout(Duration.ofSeconds(30)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        producer.metrics().bindTo(registry);
        time.advance(Duration.ZERO);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> server.assumeRoleRequests().size() == 1);
        time.awaitIdle();
        producer.send("first".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        String firstKey = server.assumeRoleRequests().get(0).issuedAccessKeyId();
        assertThat(lastSigner(server)).isEqualTo(firstKey);

        time.advance(Duration.ofMinutes(9));
        time.awaitIdle();
        assertThat(server.assumeRoleRequests())
                .as("not refreshed before refreshBefore")
                .hasSize(1);
        time.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> server.assumeRoleRequests().size() == 2);
        time.awaitIdle();
        producer.send("second".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        String secondKey = server.assumeRoleRequests().get(1).issuedAccessKeyId();
        assertThat(secondKey).isNotEqualTo(firstKey);
        assertThat(lastSigner(server)).isEqualTo(secondKey);

        server.stsAvailable(false);
        time.advance(Duration.ofMinutes(10)); // refresh due: STS fails, the second session is still valid
        await().atMost(Duration.ofSeconds(20))
                .until(() -> server.assumeRoleRequests().size() >= 3);
        time.awaitIdle();
        producer.send("during outage".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertThat(lastSigner(server)).isEqualTo(secondKey);
        assertThat(registry.get("firehose.producer.credentials.refresh.failures")
                        .functionCounter()
                        .count())
                .isPositive();

        time.advance(Duration.ofMinutes(6)); // the second session has expired, STS still down
        time.awaitIdle();
        CompletableFuture<RecordReceipt> stuck = producer.send("after expiry".getBytes(UTF_8));
        for (int i = 0; i < 40 && !stuck.isDone(); i++) {
            time.awaitIdle();
            time.advance(Duration.ofSeconds(10));
        }
        time.awaitIdle();
        assertThatThrownBy(() -> stuck.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(DeliveryTimeoutException.class, e -> {
                    TestResources.withoutSecrets(e);
                    assertThat(e.errorCode()).isEqualTo("CredentialsUnavailableException");
                    assertThat(e.getCause()).isInstanceOf(CredentialsUnavailableException.class);
                    assertThat(e.getCause().getMessage()).contains("expired").contains("ServiceUnavailable");
                });
    }

    @Test
    void recordsSentBeforeTheFirstSessionWaitWithoutCallsAndGoOnTheirFirstAttempt() throws Exception {
        ManualScheduler time = new ManualScheduler();
        resources.add(time);
        LocalFirehose server = server(b -> b.clock(time.wallClock()));
        server.stsAvailable(false);
        SecureFirehoseProducer producer =
                producer(server, server, b -> b.scheduler(time).deliveryTimeout(Duration.ofMinutes(2)));
        time.advance(Duration.ZERO);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !server.assumeRoleRequests().isEmpty());
        time.awaitIdle();
        List<CompletableFuture<RecordReceipt>> futures = List.of(
                producer.send("a".getBytes(UTF_8)),
                producer.send("b".getBytes(UTF_8)),
                producer.send("c".getBytes(UTF_8)));
        time.awaitIdle();
        assertThat(futures).noneMatch(CompletableFuture::isDone);

        server.stsAvailable(true);
        time.advance(Duration.ofSeconds(3)); // past STS's first retry
        for (CompletableFuture<RecordReceipt> future : futures) {
            assertThat(future.get(30, TimeUnit.SECONDS).attempts())
                    .as("no attempt was spent while there were no credentials")
                    .isEqualTo(1);
        }
        assertThat(server.assumeRoleRequests())
                .extracting(call -> call.outcome())
                .startsWith("ServiceUnavailable")
                .endsWith("OK");
        assertThat(server.requests())
                .filteredOn(r -> r.action().equals("PutRecordBatch"))
                .allMatch(r -> r.outcome().equals("OK"))
                .extracting(CapturedRequest::recordCount)
                .containsExactly(3);
    }

    @Test
    void anStsEndpointWithWeakTlsIsRefusedLikeFirehose() {
        LocalFirehose firehose = server(b -> b);
        LocalFirehose weakSts = server(b -> b.tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        SecureFirehoseProducer producer = producer(firehose, weakSts, b -> b);
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
    void malformedRoleSettingsAreRefusedWhenBuilt() {
        assertThatThrownBy(() -> AssumeRole.role("arn:aws:iam::1234:role/x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("roleArn");
        assertThatThrownBy(() -> AssumeRole.role(ROLE).externalId("x")).hasMessageContaining("externalId");
        assertThatThrownBy(() -> AssumeRole.role(ROLE).duration(Duration.ofMinutes(10)))
                .hasMessageContaining("between 15 minutes and 12 hours");
        assertThatThrownBy(() -> AssumeRole.role(ROLE).duration(Duration.ofHours(13)))
                .hasMessageContaining("PT13H");
        assertThatThrownBy(() -> AssumeRole.role(ROLE).sessionName("has space")).hasMessageContaining("sessionName");
        assertThatThrownBy(() -> AssumeRole.role(ROLE).stsEndpoint(java.net.URI.create("http://sts.local")))
                .hasMessageContaining("https://");
        assertThatThrownBy(() -> AssumeRole.role(ROLE)
                        .duration(Duration.ofMinutes(15))
                        .refreshBefore(Duration.ofMinutes(15))
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("refreshBefore");
        AssumeRole defaults = AssumeRole.role(ROLE).build();
        assertThat(defaults.sessionName()).startsWith("firehose-secure-").hasSizeLessThanOrEqualTo(64);
        assertThat(defaults.duration()).isEqualTo(Duration.ofHours(1));
        assertThat(defaults.account()).isEqualTo("111122223333");
        assertThat(defaults.toString()).doesNotContain("ext");
    }
}
