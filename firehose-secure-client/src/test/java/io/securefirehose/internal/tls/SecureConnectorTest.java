package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.Channel;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslHandler;
import io.securefirehose.TestResources;
import io.securefirehose.TestTlsEngine;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The producer's own TLS connections: handed out only after the handshake completed and what it agreed was checked
 * once more. The weak-peer matrix runs over these connections through the producer ({@code TlsEnforcementTest},
 * {@code EndpointPinningTest}); here the earlier lines (the restricted offer and the trust manager's policy check)
 * are taken away, to prove the last one on its own.
 */
class SecureConnectorTest {

    @RegisterExtension
    final TestResources resources = new TestResources();

    private <T extends AutoCloseable> T add(T resource) {
        return resources.add(resource);
    }

    private static SecureHttpClient.Rules rules(LocalFirehose server) {
        return new SecureHttpClient.Rules(
                TrustMaterial.fromPem(server.trustPem()), TlsPolicy.MODERN, null, HostResolver.system());
    }

    @Test
    void aConnectionIsHandedOutOnlyAfterItsHandshakeCompletedWithinThePolicy() throws Exception {
        LocalFirehose server = add(LocalFirehose.builder().stream("t").start());
        SecureConnector connector = add(SecureConnector.create(
                "connector-test", server.endpoint(), rules(server), TestTlsEngine.configured(), new SecurityEvents()));

        Channel channel = connector.connect(pipeline -> {}).get(20, TimeUnit.SECONDS);

        SslHandler tls = channel.pipeline().get(SslHandler.class);
        assertThat(tls.handshakeFuture().isSuccess()).isTrue();
        SSLSession session = tls.engine().getSession();
        assertThat(TlsPolicy.MODERN.violation(session.getProtocol(), session.getCipherSuite()))
                .isEmpty();
        assertThat(tls.engine().getSSLParameters().getEndpointIdentificationAlgorithm())
                .isEqualTo("HTTPS");
        // The engine is the one this JVM's tests are meant to prove: the matrix really runs on BoringSSL there.
        assertThat(tls.engine() instanceof ReferenceCountedOpenSslEngine)
                .isEqualTo(TestTlsEngine.configured() == TlsEngine.BORINGSSL);
        channel.close().syncUninterruptibly();
    }

    @Test
    void aSuiteOutsideThePolicyIsRefusedAfterTheHandshakeEvenWhenOfferedAndTrusted() {
        String cbc = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";
        LocalFirehose server = add(LocalFirehose.builder().stream("t")
                .tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites(cbc)
                .start());
        SecureHttpClient.Rules rules = rules(server);
        // The earlier lines taken away: CBC offered, and a trust manager that checks only the chain and host name.
        SecureConnector connector = add(SecureConnector.create(
                "connector-test",
                server.endpoint(),
                rules,
                TestTlsEngine.configured(),
                new SecurityEvents(),
                TlsOffer.exactly(List.of("TLSv1.2"), List.of(cbc)),
                rules.trust().x509TrustManager(),
                null));

        Throwable failure =
                catchThrowable(() -> connector.connect(pipeline -> {}).get(20, TimeUnit.SECONDS));

        assertThat(failure)
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(TlsPolicyViolationException.class, e -> {
                    assertThat(e.protocol()).isEqualTo("TLSv1.2");
                    assertThat(e.cipherSuite()).isEqualTo(cbc);
                    assertThat(e.getMessage()).contains("found after the handshake, before any request byte");
                });
        assertThat(server.applicationBytesReceived()).isZero();
    }
}
