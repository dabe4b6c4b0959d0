package io.securefirehose.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.securefirehose.PlainListener;
import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseBuilder;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The optional BoringSSL engine ({@link TlsEngine#BORINGSSL}) as a user meets it: it delivers, it offers exactly the
 * policy, and a policy it cannot offer exactly is refused at build. The weak-peer matrix runs on it in the surefire
 * execution {@code boringssl-jvm}; a class path without it in {@code without-tcnative-jvm}
 * ({@code TlsEngineAbsentTest}).
 */
class TlsEngineTest {

    @RegisterExtension
    final TestResources resources = new TestResources();

    private LocalFirehose server(Consumer<LocalFirehoseBuilder> tls) {
        LocalFirehoseBuilder builder = LocalFirehose.builder().stream("tls");
        tls.accept(builder);
        return add(builder.start());
    }

    private <T extends AutoCloseable> T add(T resource) {
        return resources.add(resource);
    }

    private static ProducerBuilder producer(URI endpoint, TrustMaterial trust) {
        return SecureFirehoseProducer.builder()
                .deliveryStream("tls")
                .region("us-east-1")
                .endpoint(endpoint)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
                .trustMaterial(trust)
                .tlsEngine(TlsEngine.BORINGSSL)
                .linger(Duration.ZERO);
    }

    private SecureFirehoseProducer build(ProducerBuilder builder) {
        SecureFirehoseProducer producer = builder.build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
    void aProducerOnBoringSslDelivers(String protocol) throws Exception {
        LocalFirehose server = server(b -> b.tlsProtocols(protocol));
        SecureFirehoseProducer producer = build(producer(server.endpoint(), TrustMaterial.fromPem(server.trustPem()))
                .credentialsProvider(server.credentialsProvider()));

        RecordReceipt receipt = producer.send("on boringssl".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);

        assertThat(server.records("tls")).extracting(r -> r.recordId()).containsExactly(receipt.recordId());
        assertThat(producer.config().tlsEngine()).isEqualTo(TlsEngine.BORINGSSL);
    }

    @Test
    void aPolicyThatLeavesOutATls13SuiteIsRefusedAtBuildBecauseBoringSslWouldStillOfferIt() {
        TlsPolicy withoutChaCha = TlsPolicy.MODERN.narrow(
                List.of(TlsPolicy.TLS_1_3), List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"));
        PlainListener listener = add(PlainListener.start());
        URI endpoint = URI.create("https://localhost:" + listener.port());

        assertThatThrownBy(() ->
                        build(producer(endpoint, TrustMaterial.systemDefault()).tlsPolicy(withoutChaCha)))
                .isInstanceOfSatisfying(TlsPolicyViolationException.class, e -> {
                    assertThat(e.cipherSuite()).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
                    assertThat(e.getMessage()).contains("cannot leave out").contains("use TlsEngine.JDK");
                });
        assertThat(listener.bytesReceived()).isZero();
        // The JDK's engine can offer it exactly, so there it is built.
        build(producer(endpoint, TrustMaterial.systemDefault())
                .tlsPolicy(withoutChaCha)
                .tlsEngine(TlsEngine.JDK));
    }

    @Test
    void theClientHelloOffersExactlyThePolicysSuitesAndOnlyItsKeyExchangeGroups() throws Exception {
        // FIPS without TLS 1.3 (where BoringSSL would add ChaCha20): TLS 1.2 AES-GCM on the NIST curves only. On the
        // JDK's engine the groups need a JVM-wide property; BoringSSL takes them in its context.
        TlsPolicy fips12 = TlsPolicy.FIPS.narrow(
                List.of(TlsPolicy.TLS_1_2),
                List.of("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"));
        PlainListener listener = add(PlainListener.start());
        // The listener reads the ClientHello and hangs up; the record is retried until the test closes the producer.
        SecureFirehoseProducer producer =
                build(producer(URI.create("https://localhost:" + listener.port()), TrustMaterial.systemDefault())
                        .tlsPolicy(fips12));
        producer.send("never delivered".getBytes(UTF_8));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !listener.firstBytes().isEmpty());

        ClientHello hello = ClientHello.parse(listener.firstBytes().get(0));

        assertThat(hello.cipherSuites())
                .containsExactly("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384");
        assertThat(hello.protocols()).containsExactly(TlsPolicy.TLS_1_2);
        assertThat(hello.namedGroups()).containsExactly("secp256r1", "secp384r1", "secp521r1");
    }
}
