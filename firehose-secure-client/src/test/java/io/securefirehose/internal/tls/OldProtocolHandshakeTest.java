package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.securefirehose.TestResources;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS 1.0 and 1.1 are refused by the policy itself, not by the JDK. Runs only in the surefire execution
 * {@code old-tls-jvm}, whose JVM re-enables both protocols ({@code src/test/old-tls.security}); the first test
 * proves the JVM would agree on them, so the refusals below are the trust manager's alone.
 */
@Tag("old-tls-jvm")
class OldProtocolHandshakeTest {

    private static final String CBC = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private LocalFirehose oldServer(String protocol) {
        return resources.add(LocalFirehose.builder().stream("t")
                .tlsProtocols(protocol)
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites(CBC)
                .start());
    }

    @ParameterizedTest(name = "this JVM agrees on {0} when the policy is not in the way")
    @ValueSource(strings = {"TLSv1", "TLSv1.1"})
    void thisJvmAgreesOnTheOldProtocolWithoutThePolicy(String protocol) throws Exception {
        LocalFirehose server = oldServer(protocol);
        SSLContext plain = SSLContext.getInstance("TLS");
        plain.init(
                null,
                new TrustManager[] {TrustMaterial.fromPem(server.trustPem()).x509TrustManager()},
                null);
        try (SSLSocket socket = (SSLSocket) plain.getSocketFactory().createSocket("localhost", server.port())) {
            socket.setSoTimeout(30_000);
            socket.setEnabledProtocols(new String[] {protocol});
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo(protocol);
        }
    }

    @ParameterizedTest(name = "a handshake that agreed on {0} is refused by the trust manager, naming it")
    @ValueSource(strings = {"TLSv1", "TLSv1.1"})
    void aHandshakeThatAgreedOnAnOldProtocolIsRefusedByTheTrustManager(String protocol) throws Exception {
        LocalFirehose server = oldServer(protocol);

        Future<Channel> handshake = TestHandshake.run(resources, server, protocol, List.of(CBC), true);

        assertThat(handshake.isSuccess()).isFalse();
        PolicyEnforcingTrustManager.Refusal refusal = TestHandshake.refusalIn(handshake.cause());
        assertThat(refusal.violation().protocol()).isEqualTo(protocol);
        assertThat(refusal.violation().rule()).contains("protocol " + protocol + " is not allowed");
        assertThat(server.applicationBytesReceived()).isZero();
    }

    @ParameterizedTest(name = "on BoringSSL, a handshake that agreed on {0} is refused by the trust manager too")
    @ValueSource(strings = {"TLSv1", "TLSv1.1"})
    void onBoringSslTheTrustManagerRefusesAnOldProtocolBeforeTheSuiteIsNamed(String protocol) {
        LocalFirehose server = oldServer(protocol);
        SecureHttpClient.Rules rules = new SecureHttpClient.Rules(
                TrustMaterial.fromPem(server.trustPem()), TlsPolicy.MODERN, null, HostResolver.system());
        // The offer taken away (the old protocol offered): the trust manager is the line under test. On BoringSSL it
        // sees no suite yet, so it must check the protocol on its own.
        SecureConnector connector = resources.add(SecureConnector.create(
                "old-tls-test",
                server.endpoint(),
                rules,
                TlsEngine.BORINGSSL,
                new SecurityEvents(),
                TlsOffer.exactly(List.of(protocol), List.of(CBC)),
                PolicyEnforcingTrustManager.suiteCheckedAfterHandshake(
                        rules.trust().x509TrustManager(), TlsPolicy.MODERN),
                null));

        Throwable failure =
                catchThrowable(() -> connector.connect(pipeline -> {}).get(30, TimeUnit.SECONDS));

        assertThat(connector.typedRefusalOr(failure)).isInstanceOfSatisfying(TlsPolicyViolationException.class, e -> {
            assertThat(e.protocol()).isEqualTo(protocol);
            assertThat(e.rule())
                    .contains("protocol " + protocol + " is not allowed")
                    .as("refused in the handshake, not only after it")
                    .doesNotContain("found after the handshake");
        });
        assertThat(server.applicationBytesReceived()).isZero();
    }
}
