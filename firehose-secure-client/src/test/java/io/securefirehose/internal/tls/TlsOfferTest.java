package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.ssl.SslHandler;
import io.securefirehose.transport.TlsPolicy;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Test;

/**
 * The handler that restricts each connection's TLS engine, on Netty's embedded channel: it sets the policy's protocols
 * and suites before the TLS handler starts, and a connection that has no TLS handler at all is closed before it can
 * carry a byte (a third line behind the https-only checks of the builders and of {@link EndpointGuard}).
 */
class TlsOfferTest {

    @Test
    void theEngineIsRestrictedToThePolicyInItsOrderBeforeTheHandshakeStarts() throws Exception {
        TlsOffer offer = TlsOffer.of(TlsPolicy.TLS13_ONLY);
        SSLEngine engine = SSLContext.getDefault().createSSLEngine("localhost", 443);
        engine.setUseClientMode(true);
        ChannelInboundHandlerAdapter handler = offer.handler();
        // Not yet active: the handshake has not started, as when the SDK adds its TLS handler to a new channel.
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(handler).addLast(new SslHandler(engine));
        channel.register();

        channel.pipeline().fireChannelActive();

        assertThat(engine.getEnabledProtocols()).containsExactly("TLSv1.3");
        assertThat(engine.getEnabledCipherSuites())
                .containsExactly("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
        assertThat(channel.pipeline().toMap()).doesNotContainValue(handler);
        assertThat(offer.cipherSuites()).isEqualTo(List.copyOf(TlsPolicy.TLS13_ONLY.cipherSuites()));
        assertThat(offer.protocols()).containsExactly("TLSv1.3");
        assertThat(TlsOffer.of(TlsPolicy.MODERN).protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        channel.finishAndReleaseAll();
    }

    @Test
    void aConnectionWithoutTlsIsClosedBeforeItCarriesAByte() throws Exception {
        EmbeddedChannel channel = new EmbeddedChannel(false, false);
        channel.pipeline().addLast(TlsOffer.of(TlsPolicy.MODERN).handler());
        channel.register();

        channel.pipeline().fireChannelActive();

        assertThat(channel.isOpen()).isFalse();
        Object written = channel.readOutbound();
        assertThat(written).isNull();
    }
}
