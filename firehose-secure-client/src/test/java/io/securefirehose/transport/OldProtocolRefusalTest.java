package io.securefirehose.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securefirehose.PlainListener;
import io.securefirehose.RecordReceipt;
import io.securefirehose.RequestPath;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.LocalFirehose;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The producer refuses TLS 1.0 and 1.1 on both request paths in a JVM that would accept them. Runs only in the
 * surefire execution {@code old-tls-jvm}, whose JVM re-enables both protocols ({@code src/test/old-tls.security});
 * {@link #thisJvmsOwnClientOffersTheOldProtocols()} proves that, so what refuses them here is the policy: the offer
 * ({@code TlsOffer}) and, behind it, the handshake check ({@code OldProtocolHandshakeTest}).
 */
@Tag("old-tls-jvm")
class OldProtocolRefusalTest {

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void thisJvmsOwnClientOffersTheOldProtocols() throws Exception {
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        engine.setEnabledProtocols(new String[] {"TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"});
        engine.beginHandshake();
        ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        engine.wrap(ByteBuffer.allocate(0), hello);
        hello.flip();
        byte[] bytes = new byte[hello.remaining()];
        hello.get(bytes);

        assertThat(ClientHello.parse(bytes).protocols()).contains("TLSv1.1", "TLSv1");
    }

    @ParameterizedTest(name = "a server offering only {0} is refused on the {1} path, before a request byte")
    @CsvSource({"TLSv1, LEAN", "TLSv1.1, LEAN", "TLSv1, SDK_CLIENT", "TLSv1.1, SDK_CLIENT"})
    void aServerOfferingOnlyAnOldProtocolIsRefused(String protocol, RequestPath path) throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.builder().stream("tls")
                .tlsProtocols(protocol)
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_128_CBC_SHA")
                .start());
        SecureFirehoseProducer producer = TestResources.producerFor(server, "tls")
                .requestPath(path)
                .linger(Duration.ZERO)
                .build();
        resources.add(() -> producer.close(Duration.ZERO));

        TlsPolicyViolationException refusal = refusal(producer.send("over tls".getBytes(UTF_8)));

        assertThat(refusal.isRetriable()).isFalse();
        assertThat(refusal.endpoint()).isEqualTo("localhost:" + server.port());
        assertThat(server.requests()).isEmpty();
        assertThat(server.applicationBytesReceived()).isZero();
    }

    @Test
    void theProducersClientHelloOffersNeitherOldProtocol() {
        PlainListener listener = resources.add(PlainListener.start());
        SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
                .deliveryStream("tls")
                .region("us-east-1")
                .endpoint(URI.create("https://localhost:" + listener.port()))
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
                .linger(Duration.ZERO)
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        // The listener reads the ClientHello and hangs up; the record is retried until the test closes the producer.
        producer.send("over tls".getBytes(UTF_8));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !listener.firstBytes().isEmpty());

        assertThat(ClientHello.parse(listener.firstBytes().get(0)).protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }

    private static TlsPolicyViolationException refusal(CompletableFuture<RecordReceipt> future) throws Exception {
        try {
            future.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            assertThat(e.getCause()).isInstanceOf(TlsPolicyViolationException.class);
            return (TlsPolicyViolationException) TestResources.withoutSecrets(e.getCause());
        }
        throw new AssertionError("the record was delivered over TLS 1.0 or 1.1");
    }
}
