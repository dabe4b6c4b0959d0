package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.transport.TlsPolicy;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * The offer restricts an engine to the policy's protocols and suites, in the policy's order; when it is applied, and
 * what happens to a connection without TLS, is {@link SecureSocketChannelTest}'s subject.
 */
class TlsOfferTest {

    @Test
    void theEngineIsRestrictedToThePolicyInItsOrder() throws Exception {
        TlsOffer offer = TlsOffer.of(TlsPolicy.TLS13_ONLY);
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);

        offer.restrict(engine);

        assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(engine.getEnabledCipherSuites())
                .containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
        assertThat(offer.cipherSuites()).isEqualTo(List.copyOf(TlsPolicy.TLS13_ONLY.cipherSuites()));
        assertThat(offer.protocols()).containsExactly("TLSv1.3");
        assertThat(TlsOffer.of(TlsPolicy.MODERN).protocols()).containsExactly("TLSv1.3", "TLSv1.2");
    }
}
