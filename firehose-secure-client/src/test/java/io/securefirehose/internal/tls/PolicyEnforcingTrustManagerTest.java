package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.Future;
import io.securefirehose.TestResources;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The second line of the TLS policy: the client offers only the policy's suites ({@link TlsOffer}), but should a
 * handshake still agree on anything else, the trust manager refuses it during the handshake, before a request byte.
 * Proved with a client that deliberately offers a CBC suite, against a real TLS server on loopback.
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
        SslContext tls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(new PolicyEnforcingTrustManager(
                        TrustMaterial.fromPem(server.trustPem()).x509TrustManager(), TlsPolicy.MODERN))
                .protocols("TLSv1.2")
                .ciphers(List.of(CBC))
                .build();
        EventLoopGroup loop = new NioEventLoopGroup(1);
        resources.add(() -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS));
        Channel channel = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SSLEngine engine = tls.newEngine(ch.alloc(), "localhost", server.port());
                        SSLParameters parameters = engine.getSSLParameters();
                        parameters.setEndpointIdentificationAlgorithm("HTTPS");
                        engine.setSSLParameters(parameters);
                        ch.pipeline().addLast(new SslHandler(engine));
                    }
                })
                .connect("localhost", server.port())
                .sync()
                .channel();
        resources.add(() -> channel.close().await(10, TimeUnit.SECONDS));

        Future<Channel> handshake = channel.pipeline().get(SslHandler.class).handshakeFuture();
        assertThat(handshake.await(30, TimeUnit.SECONDS)).isTrue();

        assertThat(handshake.isSuccess()).isFalse();
        PolicyEnforcingTrustManager.Refusal refusal = null;
        for (Throwable t = handshake.cause(); t != null && refusal == null; t = t.getCause()) {
            if (t instanceof PolicyEnforcingTrustManager.Refusal found) {
                refusal = found;
            }
        }
        assertThat(refusal).as("the trust manager's refusal among the causes").isNotNull();
        assertThat(refusal.violation().protocol()).isEqualTo("TLSv1.2");
        assertThat(refusal.violation().cipherSuite()).isEqualTo(CBC);
        assertThat(refusal.violation().rule()).contains("cipher suite " + CBC + " is not allowed");
        assertThat(server.applicationBytesReceived()).isZero();
    }
}
