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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * A real TLS handshake with a local server by a client that bypasses {@link TlsOffer}: it offers exactly the
 * protocols and suites a test names, so that only {@link PolicyEnforcingTrustManager} stands between a weak
 * agreement and the first request byte. Each wait is bounded (connect and handshake: 30 s).
 */
final class TestHandshake {

    private TestHandshake() {}

    /**
     * @param resources where the event loop and channel are registered for closing
     * @param server the TLS server
     * @param protocol the one protocol the client offers
     * @param suites the suites the client offers
     * @param verifyHostName whether the engine has HTTPS endpoint identification switched on
     * @return the completed handshake, successful or not
     */
    static Future<Channel> run(
            TestResources resources, LocalFirehose server, String protocol, List<String> suites, boolean verifyHostName)
            throws Exception {
        SslContext tls = SslContextBuilder.forClient()
                .sslProvider(SslProvider.JDK)
                .trustManager(new PolicyEnforcingTrustManager(
                        TrustMaterial.fromPem(server.trustPem()).x509TrustManager(), TlsPolicy.MODERN))
                .protocols(protocol)
                .ciphers(suites)
                .build();
        EventLoopGroup loop = new NioEventLoopGroup(1);
        // Kept here: a refused handshake closes the channel, which may empty its pipeline before connect() returns.
        CompletableFuture<SslHandler> handler = new CompletableFuture<>();
        resources.add(() -> loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS));
        Channel channel = new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        SSLEngine engine = tls.newEngine(ch.alloc(), "localhost", server.port());
                        if (verifyHostName) {
                            SSLParameters parameters = engine.getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(parameters);
                        }
                        SslHandler ssl = new SslHandler(engine);
                        handler.complete(ssl);
                        ch.pipeline().addLast(ssl);
                    }
                })
                .connect("localhost", server.port())
                .sync()
                .channel();
        resources.add(() -> channel.close().await(10, TimeUnit.SECONDS));
        Future<Channel> handshake = handler.join().handshakeFuture(); // set when the channel registered
        assertThat(handshake.await(30, TimeUnit.SECONDS)).isTrue();
        return handshake;
    }

    /**
     * @param failure a handshake's failure
     * @return the trust manager's refusal among its causes
     * @throws AssertionError if there is none
     */
    static PolicyEnforcingTrustManager.Refusal refusalIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PolicyEnforcingTrustManager.Refusal found) {
                return found;
            }
        }
        throw new AssertionError("no trust manager refusal among the causes of " + failure, failure);
    }
}
