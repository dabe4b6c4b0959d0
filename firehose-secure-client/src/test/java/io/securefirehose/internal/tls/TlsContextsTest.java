package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.SslContext;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The TLS context of the producer's own connections is restricted itself, on either engine: an engine made from it
 * offers the policy's protocols and TLS 1.2 suites only, and identifies the endpoint by host name, before
 * {@link SecureSocketChannel} restricts it once more.
 */
class TlsContextsTest {

    private static SslContext context(TlsEngine engine, TlsPolicy policy) {
        return TlsContexts.client(
                engine,
                policy,
                TlsOffer.of(policy, engine),
                new PolicyEnforcingTrustManager(TrustMaterial.systemDefault().x509TrustManager(), policy));
    }

    /**
     * Netty's OpenSSL engine always lists {@code SSLv2Hello}, the format of a hello rather than a protocol; as a
     * client it never sends one (the ClientHello tests parse what it sends: {@code TlsEngineTest},
     * {@code TlsEnforcementTest} in {@code boringssl-jvm}).
     */
    private static List<String> protocols(SSLEngine engine) {
        return Arrays.stream(engine.getEnabledProtocols())
                .filter(p -> !p.equals("SSLv2Hello"))
                .toList();
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void anEngineFromTheContextOffersOnlyThePolicy(TlsEngine engine) {
        TlsPolicy policy = TlsPolicy.MODERN;
        SslContext context = context(engine, policy);
        SSLEngine made = context.newEngine(ByteBufAllocator.DEFAULT, "firehose.test", 443);

        assertThat(protocols(made)).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        assertThat(made.getEnabledCipherSuites())
                .isSubsetOf(policy.cipherSuites())
                .contains(
                        "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
                        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
        assertThat(made.getSSLParameters().getEndpointIdentificationAlgorithm()).isEqualTo("HTTPS");
        assertThat(context)
                .isInstanceOf(engine == TlsEngine.JDK ? JdkSslContext.class : ReferenceCountedOpenSslContext.class);
    }

    @ParameterizedTest
    @EnumSource(TlsEngine.class)
    void aTls12OnlyPolicyLeavesTls13OutOfTheContext(TlsEngine engine) {
        TlsPolicy tls12 =
                TlsPolicy.MODERN.narrow(List.of(TlsPolicy.TLS_1_2), List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        SSLEngine made = context(engine, tls12).newEngine(ByteBufAllocator.DEFAULT, "firehose.test", 443);

        assertThat(protocols(made)).containsExactly("TLSv1.2");
        assertThat(made.getEnabledCipherSuites()).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
    }
}
