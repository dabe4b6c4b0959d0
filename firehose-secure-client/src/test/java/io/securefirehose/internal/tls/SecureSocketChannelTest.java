package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.securefirehose.PlainListener;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.transport.ClientHello;
import io.securefirehose.transport.TlsPolicy;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The socket channel restricts the TLS engine to the policy's offer before its TCP handshake, so the offer holds
 * whatever runs first once the connection is up. Netty completes a connect promise before it fires
 * {@code channelActive}, and a connection pool may write its first request from that promise's listener: the TLS
 * handler then sends its ClientHello from the write. The tests use a context with the JDK's default suites, CBC
 * included, as the AWS SDK's is for HTTP/1.1, and a raw listener that keeps the ClientHello it receives.
 */
class SecureSocketChannelTest {

    private static final TlsPolicy POLICY = TlsPolicy.MODERN;

    private final NioEventLoopGroup group =
            new NioEventLoopGroup(1, new DefaultThreadFactory("secure-socket-test", true));
    private final PlainListener listener = PlainListener.start();

    @AfterEach
    void shutDown() throws Exception {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
        listener.close();
    }

    @Test
    void theClientHelloOffersOnlyThePolicyEvenWhenTheFirstWriteComesFromTheConnectPromise() throws Exception {
        SslContext jdkDefaults =
                SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
        assertThat(jdkDefaults.cipherSuites())
                .as("the context alone would offer CBC")
                .contains("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        Channel channel = registered(ch -> ch.pipeline().addLast(jdkDefaults.newHandler(ch.alloc(), "localhost", 443)));
        ChannelPromise connected = channel.newPromise();
        // Runs inside the connect, before channelActive reaches any handler.
        connected.addListener(done -> {
            if (done.isSuccess()) {
                channel.writeAndFlush(Unpooled.copiedBuffer("POST / HTTP/1.1\r\n\r\n", StandardCharsets.US_ASCII));
            }
        });

        channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port()), connected);

        assertThat(connected.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(connected.isSuccess()).isTrue();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !listener.firstBytes().isEmpty());
        ClientHello hello = ClientHello.parse(listener.firstBytes().get(0));
        assertThat(hello.cipherSuites()).containsExactlyElementsOf(POLICY.cipherSuites());
        assertThat(hello.protocols()).containsExactlyElementsOf(POLICY.protocols());
    }

    @Test
    void aConnectionWithoutTlsIsRefusedBeforeItsTcpHandshake() throws Exception {
        Channel channel = registered(ch -> {});

        Throwable refusal = connectFailure(channel);

        assertThat(refusal)
                .rootCause()
                .isInstanceOf(EndpointPolicyViolationException.class)
                .hasMessageContaining("no TLS");
        assertThat(listener.firstBytes()).isEmpty();
        assertThat(listener.bytesReceived()).isZero();
    }

    @Test
    void anEngineWhoseHandshakeHasAlreadyStartedIsRefusedBeforeItsTcpHandshake() throws Exception {
        SslContext context =
                SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build();
        Channel channel = registered(ch -> {
            SslHandler handler = context.newHandler(ch.alloc(), "localhost", 443);
            try {
                // An engine that has begun has fixed its ClientHello with whatever it had enabled.
                handler.engine().beginHandshake();
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
            ch.pipeline().addLast(handler);
        });

        Throwable refusal = connectFailure(channel);

        assertThat(refusal)
                .rootCause()
                .isInstanceOf(TlsPolicyViolationException.class)
                .hasMessageContaining("handshake had already started");
        assertThat(listener.firstBytes()).isEmpty();
    }

    private Channel registered(Consumer<Channel> pipeline) throws InterruptedException {
        ChannelHandler initializer = new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                pipeline.accept(ch);
            }
        };
        ChannelFuture registration = new Bootstrap()
                .group(group)
                .channelFactory(() -> new SecureSocketChannel(TlsOffer.of(POLICY), null))
                .handler(initializer)
                .register();
        assertThat(registration.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(registration.isSuccess()).isTrue();
        return registration.channel();
    }

    private Throwable connectFailure(Channel channel) throws InterruptedException {
        ChannelFuture connect =
                channel.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), listener.port()));
        assertThat(connect.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(connect.isSuccess()).isFalse();
        channel.close().await(10, TimeUnit.SECONDS);
        return connect.cause();
    }
}
