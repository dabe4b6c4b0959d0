package io.securefirehose.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
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
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@link TlsPolicy#FIPS} against real TLS peers on loopback, in a JVM started with
 * {@code -Djdk.tls.namedGroups=secp256r1,secp384r1,secp521r1} (surefire execution {@code fips-groups-jvm}), the
 * setting the policy requires on Java 17: the ClientHello offers AES-GCM suites and NIST curves only; AES-GCM servers
 * are reached over TLS 1.3 and 1.2; a TLS 1.2 server with only ChaCha20-Poly1305 or only CBC is refused before any
 * request byte. (Asked to offer only TLS 1.3 ChaCha20-Poly1305, the local endpoint
 * still agreed on an AES-GCM suite with this client, so TLS 1.3 ChaCha20-Poly1305 is proved by the offer above and by
 * {@code TlsPolicyTest}.) Without that setting the policy is refused at build ({@code FipsGroupsRefusalTest}).
 */
@Tag("fips-groups-jvm")
class FipsPolicyTest {

    @RegisterExtension
    final TestResources resources = new TestResources();

    private LocalFirehose server(UnaryOperator<LocalFirehoseBuilder> tls) {
        return resources.add(tls.apply(LocalFirehose.builder().stream("fips")).start());
    }

    private CompletableFuture<RecordReceipt> sendOne(LocalFirehose server) {
        return sendOne(b -> b.region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem())));
    }

    private CompletableFuture<RecordReceipt> sendOne(UnaryOperator<ProducerBuilder> target) {
        SecureFirehoseProducer producer = target.apply(SecureFirehoseProducer.builder()
                        .deliveryStream("fips")
                        .tlsPolicy(TlsPolicy.FIPS)
                        .linger(Duration.ZERO))
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer.send("approved".getBytes(UTF_8));
    }

    @Test
    void theClientHelloOffersAesGcmSuitesAndNistCurvesOnly() {
        PlainListener listener = resources.add(PlainListener.start());
        sendOne(b -> b.region("us-east-1")
                .endpoint(URI.create("https://localhost:" + listener.port()))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
                .trustMaterial(TrustMaterial.systemDefault()));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !listener.firstBytes().isEmpty());

        ClientHello hello = ClientHello.parse(listener.firstBytes().get(0));
        assertThat(hello.cipherSuites()).containsExactlyElementsOf(TlsPolicy.FIPS.cipherSuites());
        assertThat(hello.cipherSuites()).noneMatch(s -> s.contains("CHACHA20") || s.contains("CBC"));
        assertThat(hello.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(hello.namedGroups()).isNotEmpty().isSubsetOf("secp256r1", "secp384r1", "secp521r1");
    }

    @Test
    void aServerWithAesGcmIsReachedOverTls13() throws Exception {
        LocalFirehose server = server(b -> b.tlsProtocols("TLSv1.3"));
        assertThat(sendOne(server)
                        .get(30, java.util.concurrent.TimeUnit.SECONDS)
                        .attempts())
                .isEqualTo(1);
        assertThat(server.records("fips")).hasSize(1);
    }

    @ParameterizedTest(name = "a TLS 1.2 server offering only {0} is reached")
    @ValueSource(strings = {"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"})
    void aTls12ServerWithEcdheAesGcmIsReached(String suite) throws Exception {
        LocalFirehose server = server(
                b -> b.tlsProtocols("TLSv1.2").certificateKeyAlgorithm("RSA").tlsCipherSuites(suite));
        assertThat(sendOne(server)
                        .get(30, java.util.concurrent.TimeUnit.SECONDS)
                        .attempts())
                .isEqualTo(1);
        assertThat(server.records("fips")).hasSize(1);
    }

    @ParameterizedTest(name = "a TLS 1.2 server offering only {0} is refused before any request byte")
    @ValueSource(strings = {"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"})
    void aTls12ServerWithoutAesGcmIsRefused(String suite) {
        LocalFirehose server = server(
                b -> b.tlsProtocols("TLSv1.2").certificateKeyAlgorithm("RSA").tlsCipherSuites(suite));
        assertThat(sendOne(server))
                .failsWithin(Duration.ofSeconds(30))
                .withThrowableThat()
                .havingCause()
                .isInstanceOf(TlsPolicyViolationException.class);
        assertThat(server.requests()).isEmpty();
        assertThat(server.applicationBytesReceived()).isZero();
    }
}
