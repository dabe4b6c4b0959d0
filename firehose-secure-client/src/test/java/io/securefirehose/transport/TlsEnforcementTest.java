package io.securefirehose.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.securefirehose.PlainListener;
import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.RequestPath;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.TestTlsEngine;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseBuilder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The TLS rules against real TLS servers on loopback (LocalFirehose configured to offer weak or broken setups), on
 * both request paths ({@link RequestPath}): refused connections fail the record with a typed exception before the
 * server receives a single request byte.
 */
class TlsEnforcementTest {

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private LocalFirehose server(Consumer<LocalFirehoseBuilder> tls) {
        LocalFirehoseBuilder builder = LocalFirehose.builder().stream("tls");
        tls.accept(builder);
        LocalFirehose server = builder.start();
        resources.add(server);
        return server;
    }

    private CompletableFuture<RecordReceipt> sendOne(LocalFirehose server, UnaryOperator<ProducerBuilder> settings) {
        SecureFirehoseProducer producer = settings.apply(SecureFirehoseProducer.builder()
                        .deliveryStream("tls")
                        .region(server.region())
                        .endpoint(server.endpoint())
                        .credentialsProvider(server.credentialsProvider())
                        .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                        .tlsEngine(TestTlsEngine.configured())
                        .linger(Duration.ZERO))
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer.send("over tls".getBytes(UTF_8));
    }

    private CompletableFuture<RecordReceipt> sendOne(URI endpoint, TrustMaterial trust, TlsPolicy policy) {
        SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
                .deliveryStream("tls")
                .region("us-east-1")
                .endpoint(endpoint)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
                .trustMaterial(trust)
                .tlsPolicy(policy)
                .tlsEngine(TestTlsEngine.configured())
                .linger(Duration.ZERO)
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer.send("over tls".getBytes(UTF_8));
    }

    private static TlsPolicyViolationException refusal(CompletableFuture<RecordReceipt> future) {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TlsPolicyViolationException.class);
            return (TlsPolicyViolationException) TestResources.withoutSecrets(e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("the record was delivered over a connection that should have been refused");
    }

    private static void assertNothingReached(LocalFirehose server, TlsPolicyViolationException refusal) {
        assertThat(refusal.isRetriable()).isFalse();
        assertThat(refusal.endpoint()).isEqualTo("localhost:" + server.port());
        assertThat(refusal.getMessage()).contains("localhost:" + server.port()).contains(refusal.rule());
        assertThat(server.requests()).isEmpty();
        assertThat(server.applicationBytesReceived()).isZero();
    }

    // This JVM's own settings refuse TLS 1.0 and 1.1 as well; OldProtocolRefusalTest runs in one that accepts them.
    @ParameterizedTest(name = "a server offering only {0} is refused")
    @ValueSource(strings = {"TLSv1", "TLSv1.1"})
    void aServerOfferingOnlyAnOldProtocolIsRefused(String protocol) {
        LocalFirehose server = server(b -> b.tlsProtocols(protocol)
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA"));
        TlsPolicyViolationException refusal = refusal(sendOne(server, b -> b));
        assertNothingReached(server, refusal);
        assertThat(refusal.protocol()).isIn("none", protocol);
    }

    @ParameterizedTest(name = "a TLS 1.2 server with only {0} is refused: the client never offers them")
    @ValueSource(
            strings = {
                "TLS_RSA_WITH_AES_128_CBC_SHA,TLS_RSA_WITH_AES_256_CBC_SHA",
                "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                "TLS_RSA_WITH_AES_128_GCM_SHA256"
            })
    void aTls12ServerWithOnlySuitesOutsideThePolicyIsRefusedBecauseTheyAreNeverOffered(String suites) {
        LocalFirehose server = server(
                b -> b.tlsProtocols("TLSv1.2").certificateKeyAlgorithm("RSA").tlsCipherSuites(suites.split(",")));
        for (RequestPath path : RequestPath.values()) {
            TlsPolicyViolationException refusal = refusal(sendOne(server, b -> b.requestPath(path)));
            assertNothingReached(server, refusal);
            assertThat(refusal.protocol()).as("%s", path).isEqualTo("none");
            assertThat(refusal.cipherSuite()).as("%s", path).isEqualTo("none");
            assertThat(refusal.rule())
                    .as("%s", path)
                    .contains("failed before a protocol and cipher suite were agreed")
                    .contains("ECDHE and AEAD");
        }
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void aServerThatPrefersACbcSuiteButAlsoSupportsGcmIsReachedOverGcm(RequestPath path) throws Exception {
        // Server order first: a client that offered CBC would get it, and its handshake check would refuse it.
        LocalFirehose server = server(b -> b.tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"));
        RecordReceipt receipt =
                sendOne(server, b -> b.requestPath(path).requestPath(path)).get(30, TimeUnit.SECONDS);
        assertThat(receipt.attempts()).isEqualTo(1);
        assertThat(server.records("tls")).hasSize(1);
    }

    @Test
    void aServerThatPrefersChaCha20IsReachedOverChaCha20() throws Exception {
        LocalFirehose server =
                server(b -> b.tlsProtocols("TLSv1.2").tlsCipherSuites("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
        RecordReceipt receipt = sendOne(server, b -> b).get(30, TimeUnit.SECONDS);
        assertThat(receipt.attempts()).isEqualTo(1);
    }

    @ParameterizedTest(name = "the ClientHello under {0} offers exactly its protocols and suites, in its order")
    @ValueSource(strings = {"MODERN", "TLS13_ONLY"})
    void theClientHelloOffersExactlyThePolicysProtocolsAndSuitesInItsOrder(String name) throws Exception {
        TlsPolicy policy = TlsPolicy.named(name);
        PlainListener listener = PlainListener.start();
        resources.add(listener);
        // The listener reads the ClientHello and hangs up; the record is retried until the test closes the producer.
        sendOne(URI.create("https://localhost:" + listener.port()), TrustMaterial.systemDefault(), policy);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !listener.firstBytes().isEmpty());

        ClientHello hello = ClientHello.parse(listener.firstBytes().get(0));
        assertThat(hello.cipherSuites()).containsExactlyElementsOf(policy.cipherSuites());
        assertThat(hello.protocols()).containsExactlyElementsOf(policy.protocols());
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void tls12WithEcdheGcmIsAcceptedAndDelivers(RequestPath path) throws Exception {
        LocalFirehose server =
                server(b -> b.tlsProtocols("TLSv1.2").tlsCipherSuites("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"));
        RecordReceipt receipt =
                sendOne(server, b -> b.requestPath(path).requestPath(path)).get(30, TimeUnit.SECONDS);
        assertThat(receipt.recordId()).isEqualTo(server.records("tls").get(0).recordId());
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void tls13IsAcceptedAndDelivers(RequestPath path) throws Exception {
        LocalFirehose server = server(b -> b.tlsProtocols("TLSv1.3"));
        RecordReceipt receipt = sendOne(server, b -> b.requestPath(path).tlsPolicy(TlsPolicy.TLS13_ONLY))
                .get(30, TimeUnit.SECONDS);
        assertThat(receipt.attempts()).isEqualTo(1);
        assertThat(server.records("tls")).hasSize(1);
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void theTls13OnlyPolicyRefusesTls12(RequestPath path) {
        LocalFirehose server = server(b -> b.tlsProtocols("TLSv1.2"));
        TlsPolicyViolationException refusal =
                refusal(sendOne(server, b -> b.requestPath(path).tlsPolicy(TlsPolicy.TLS13_ONLY)));
        assertNothingReached(server, refusal);
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void aCertificateForAnotherHostIsRefused(RequestPath path) {
        LocalFirehose server = server(b -> b.certificateHostNames("firehose.eu-west-1.amazonaws.com"));
        TlsPolicyViolationException refusal =
                refusal(sendOne(server, b -> b.requestPath(path).requestPath(path)));
        assertNothingReached(server, refusal);
        assertThat(refusal.rule()).contains("certificate was not accepted");
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void aCertificateFromAnUntrustedAuthorityIsRefused(RequestPath path) {
        LocalFirehose server = server(b -> {});
        LocalFirehose other = server(b -> {});
        TlsPolicyViolationException refusal = refusal(
                sendOne(server, b -> b.requestPath(path).trustMaterial(TrustMaterial.fromPem(other.trustPem()))));
        assertNothingReached(server, refusal);
        assertThat(refusal.rule()).contains("certificate was not accepted");
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void anExpiredCertificateIsRefused(RequestPath path) {
        Instant now = Instant.now();
        LocalFirehose server =
                server(b -> b.certificateValidity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))));
        TlsPolicyViolationException refusal =
                refusal(sendOne(server, b -> b.requestPath(path).requestPath(path)));
        assertNothingReached(server, refusal);
        assertThat(refusal.rule()).contains("certificate was not accepted");
    }

    @Test
    void extraTrustKeepsTheSystemAuthoritiesAndAddsTheGivenOne() throws Exception {
        LocalFirehose server = server(b -> {});
        TrustMaterial extra = TrustMaterial.fromPem(server.trustPem()).plusSystemDefaults();
        assertThat(extra.x509TrustManager().getAcceptedIssuers().length)
                .isEqualTo(TrustMaterial.systemDefault().x509TrustManager().getAcceptedIssuers().length + 1);
        assertThat(sendOne(server, b -> b.trustMaterial(extra))
                        .get(30, TimeUnit.SECONDS)
                        .attempts())
                .isEqualTo(1);
        assertThatThrownBy(() -> sendOne(server, b -> b.trustMaterial(TrustMaterial.systemDefault()))
                        .get(30, TimeUnit.SECONDS))
                .as("the JDK store alone does not trust a local test authority")
                .hasCauseInstanceOf(TlsPolicyViolationException.class);
    }
}
