package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * The HTTPS server under a LocalFirehose: Netty on loopback, TLS with the generated certificate and the configured
 * protocols and suites, HTTP/1.1 with aggregated bodies, and one shared request handler. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class HttpsServer implements AutoCloseable {

    /** The largest request body accepted. */
    public static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;

    private HttpsServer(EventLoopGroup bossGroup, EventLoopGroup workerGroup, Channel serverChannel) {
        this.bossGroup = bossGroup;
        this.workerGroup = workerGroup;
        this.serverChannel = serverChannel;
    }

    /**
     * Binds and starts serving.
     *
     * @param certificates the server's certificate and key
     * @param protocols the TLS protocols offered
     * @param cipherSuites the suites offered, or {@code null} for the engine's defaults
     * @param address where to listen
     * @param ioThreads event-loop threads serving connections
     * @param counter counts each connection's bytes; shared by all connections
     * @param handler serves each decoded request; shared by all connections
     * @param everySecond run every second on an event loop (object age cuts), or {@code null}
     * @return the started server
     * @throws InterruptedException if interrupted while binding
     */
    // Netty's shutdown and scheduling futures need no checking here: failures surface as the bind error itself.
    @SuppressWarnings("FutureReturnValueIgnored")
    public static HttpsServer start(
            GeneratedCertificates certificates,
            String[] protocols,
            @Nullable List<String> cipherSuites,
            InetSocketAddress address,
            int ioThreads,
            ChannelHandler counter,
            ChannelHandler handler,
            @Nullable Runnable everySecond)
            throws InterruptedException {
        SslContext ssl = sslContext(certificates, protocols, cipherSuites);
        EventLoopGroup bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("local-firehose-accept", true));
        EventLoopGroup workerGroup =
                new NioEventLoopGroup(ioThreads, new DefaultThreadFactory("local-firehose-io", true));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 256)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline()
                                .addLast("tls", ssl.newHandler(channel.alloc()))
                                .addLast("count", counter)
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(MAX_BODY_BYTES))
                                .addLast("firehose", handler);
                    }
                });
        Channel channel;
        try {
            channel = bootstrap.bind(address).sync().channel();
        } catch (InterruptedException | RuntimeException e) {
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        if (everySecond != null) {
            workerGroup.scheduleAtFixedRate(everySecond, 1, 1, TimeUnit.SECONDS);
        }
        return new HttpsServer(bossGroup, workerGroup, channel);
    }

    private static SslContext sslContext(
            GeneratedCertificates certificates, String[] protocols, @Nullable List<String> cipherSuites) {
        try {
            SslContextBuilder tls = SslContextBuilder.forServer(certificates.serverKey(), certificates.server())
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(protocols);
            if (cipherSuites != null) {
                tls.ciphers(cipherSuites);
            }
            return tls.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the server's TLS context", e);
        }
    }

    /** The IPv4 and IPv6 loopback addresses, which the certificate for {@code localhost} also names. */
    public static List<InetAddress> loopbackAddresses() {
        try {
            byte[] ipv6Loopback = new byte[16];
            ipv6Loopback[15] = 1;
            return List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), InetAddress.getByAddress(ipv6Loopback));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The port the server listens on. */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Whether {@link #close()} ran. */
    public boolean isClosed() {
        return !serverChannel.isOpen() && bossGroup.isShuttingDown();
    }

    /** Stops accepting, closes the connections and the event loops. Idempotent. */
    @Override
    public void close() {
        serverChannel.close().awaitUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
