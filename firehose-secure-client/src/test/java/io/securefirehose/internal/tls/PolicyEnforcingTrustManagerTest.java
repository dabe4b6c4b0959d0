package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.securefirehose.TestResources;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The second line of the TLS policy: the client offers only the policy's suites ({@link TlsOffer}), but should a
 * handshake still agree on anything else, the trust manager refuses it during the handshake, before a request byte.
 * Proved with a client that deliberately offers a CBC suite, against a real TLS server on loopback; and each other
 * guard (host name verification switched off, an engine not handshaking, socket and engine-less calls, client
 * certificates) with a test of its own.
 */
class PolicyEnforcingTrustManagerTest {

    private static final String CBC = "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";

    @RegisterExtension
    final TestResources resources = new TestResources();

    @Test
    void aHandshakeThatAgreedOnASuiteOutsideThePolicyIsRefusedNamingIt() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.builder().stream("t")
                .tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites(CBC)
                .start());

        Future<Channel> handshake = handshake(server, "TLSv1.2", List.of(CBC), true);

        assertThat(handshake.isSuccess()).isFalse();
        PolicyEnforcingTrustManager.Refusal refusal = refusalIn(handshake.cause());
        assertThat(refusal.violation().protocol()).isEqualTo("TLSv1.2");
        assertThat(refusal.violation().cipherSuite()).isEqualTo(CBC);
        assertThat(refusal.violation().rule()).contains("cipher suite " + CBC + " is not allowed");
        assertThat(server.applicationBytesReceived()).isZero();
    }

    @Test
    void aHandshakeWithoutHostNameVerificationIsRefusedThoughEverythingElseIsAllowed() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.start("t"));

        Future<Channel> handshake = handshake(server, "TLSv1.3", List.of("TLS_AES_128_GCM_SHA256"), false);

        assertThat(handshake.isSuccess()).isFalse();
        PolicyEnforcingTrustManager.Refusal refusal = refusalIn(handshake.cause());
        assertThat(refusal.violation().protocol()).isEqualTo("TLSv1.3");
        assertThat(refusal.violation().rule()).isEqualTo("host name verification is not active on the connection");
        assertThat(server.applicationBytesReceived()).isZero();
    }

    @Test
    void theSameHandshakeWithHostNameVerificationSucceeds() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.start("t"));

        Future<Channel> handshake = handshake(server, "TLSv1.3", List.of("TLS_AES_128_GCM_SHA256"), true);

        assertThat(handshake.isSuccess()).as("%s", handshake.cause()).isTrue();
    }

    @Test
    void anEngineWithNoHandshakeUnderWayIsRefused() throws Exception {
        SSLEngine idle = SSLContext.getDefault().createSSLEngine("firehose.example", 443);

        assertThatThrownBy(() -> trustManager().checkServerTrusted(new X509Certificate[0], "ECDHE_ECDSA", idle))
                .isInstanceOf(PolicyEnforcingTrustManager.Refusal.class)
                .hasMessageContaining("firehose.example:443")
                .hasMessageContaining("the handshake session could not be inspected");
    }

    @Test
    void socketConnectionsAndConnectionsWithoutAnEngineAreRefused() {
        PolicyEnforcingTrustManager trust = trustManager();
        X509Certificate[] chain = new X509Certificate[0];

        assertThatThrownBy(() -> trust.checkServerTrusted(chain, "RSA", new Socket()))
                .isInstanceOf(PolicyEnforcingTrustManager.Refusal.class)
                .hasMessageContaining("only SSLEngine connections are checked");
        assertThatThrownBy(() -> trust.checkServerTrusted(chain, "RSA"))
                .isInstanceOf(PolicyEnforcingTrustManager.Refusal.class)
                .hasMessageContaining("a connection without host name verification");
    }

    @Test
    void clientCertificatesAreNeverAccepted() throws Exception {
        PolicyEnforcingTrustManager trust = trustManager();
        X509Certificate[] chain = new X509Certificate[0];
        SSLEngine engine = SSLContext.getDefault().createSSLEngine();

        assertThatThrownBy(() -> trust.checkClientTrusted(chain, "RSA", engine))
                .hasMessage("the producer does not accept client connections");
        assertThatThrownBy(() -> trust.checkClientTrusted(chain, "RSA", new Socket()))
                .hasMessage("the producer does not accept client connections");
        assertThatThrownBy(() -> trust.checkClientTrusted(chain, "RSA"))
                .hasMessage("the producer does not accept client connections");
    }

    @Test
    void theAcceptedIssuersAreTheTrustMaterialsAuthorities() {
        assertThat(trustManager().getAcceptedIssuers())
                .isNotEmpty()
                .containsExactly(
                        TrustMaterial.systemDefault().x509TrustManager().getAcceptedIssuers());
    }

    private PolicyEnforcingTrustManager trustManager() {
        return new PolicyEnforcingTrustManager(TrustMaterial.systemDefault().x509TrustManager(), TlsPolicy.MODERN);
    }

    private Future<Channel> handshake(
            LocalFirehose server, String protocol, List<String> suites, boolean verifyHostName) throws Exception {
        return TestHandshake.run(resources, server, protocol, suites, verifyHostName);
    }

    private static PolicyEnforcingTrustManager.Refusal refusalIn(Throwable failure) {
        return TestHandshake.refusalIn(failure);
    }
}
