package io.securefirehose.internal.tls;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Opens the producer's own TLS connections to one endpoint, under the same rules as every other connection of this
 * SDK: only {@code https://}; the handshake offers only the policy's protocols and suites, set in the TLS context
 * itself ({@link TlsOffer}), for the JDK's engine or BoringSSL ({@link TlsContexts}); our trust manager checks the policy, the chain and the host name during the handshake
 * ({@link PolicyEnforcingTrustManager}); host name verification is on in the engine; when the endpoint's addresses
 * were verified, every connection goes only to one of them ({@link SecureSocketChannel}).
 *
 * <p>A connection is handed out only after its handshake has completed and the protocol and suite it agreed have
 * been checked against the policy once more, here, where this SDK writes the first request byte itself: a session
 * the trust manager never saw (one resumed from an earlier handshake, say) cannot carry a request either.
 *
 * <p>Owns its event loops, or runs on a client's {@link SharedEventLoops}; {@link #connect} may be called from any thread and its future completes on the new
 * connection's event loop. Thread-safe.
 */
@API(status = INTERNAL, since = "0.2.0")
public final class SecureConnector implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final URI endpoint;
    private final String endpointName;
    private final String host;
    private final int port;
    private final TlsPolicy policy;
    private final SslContext tls;
    private final TlsOffer offer;
    private final @Nullable AddressPinning pinning;
    private final NioEventLoopGroup loops;
    private final Supplier<EventLoop> nextLoop;
    private final boolean ownsLoops;

    private SecureConnector(
            URI endpoint,
            TlsPolicy policy,
            SslContext tls,
            TlsOffer offer,
            @Nullable AddressPinning pinning,
            NioEventLoopGroup loops,
            Supplier<EventLoop> nextLoop,
            boolean ownsLoops) {
        this.endpoint = endpoint;
        this.endpointName = SecureHttpClient.name(endpoint);
        this.host = endpoint.getHost();
        this.port = endpoint.getPort() < 0 ? 443 : endpoint.getPort();
        this.policy = policy;
        this.tls = tls;
        this.offer = offer;
        this.pinning = pinning;
        this.loops = loops;
        this.nextLoop = nextLoop;
        this.ownsLoops = ownsLoops;
    }

    /**
     * Builds the connector; resolves and verifies the endpoint's addresses first when the rules ask for it.
     *
     * @param threadName name prefix of the I/O threads
     * @param endpoint the only endpoint connections go to, {@code https://host[:port]}
     * @param rules the rules every connection must satisfy
     * @param engine the TLS implementation
     * @param events where security events go
     * @throws io.securefirehose.errors.EndpointPolicyViolationException if the endpoint is not https or its
     *     addresses are not allowed
     * @throws TlsPolicyViolationException if the engine cannot offer exactly what the policy allows
     * @throws IllegalStateException if the engine is BoringSSL and it is not on the class path
     */
    public static SecureConnector create(
            String threadName, URI endpoint, SecureHttpClient.Rules rules, TlsEngine engine, SecurityEvents events) {
        return create(threadName, endpoint, rules, engine, events, null);
    }

    /**
     * As {@link #create(String, URI, SecureHttpClient.Rules, TlsEngine, SecurityEvents)}, on {@code shared} loops
     * when given (then {@link #close()} leaves them running) instead of loops of its own.
     *
     * @param shared the loops of a client, or {@code null} for loops of its own
     */
    public static SecureConnector create(
            String threadName,
            URI endpoint,
            SecureHttpClient.Rules rules,
            TlsEngine engine,
            SecurityEvents events,
            @Nullable SharedEventLoops shared) {
        SecureHttpClient.requireHttps(endpoint);
        TlsOffer offer = TlsOffer.of(rules.tlsPolicy(), engine);
        TrustManager trust = engine == TlsEngine.BORINGSSL
                ? PolicyEnforcingTrustManager.suiteCheckedAfterHandshake(
                        rules.trust().x509TrustManager(), rules.tlsPolicy())
                : new PolicyEnforcingTrustManager(rules.trust().x509TrustManager(), rules.tlsPolicy());
        return create(threadName, endpoint, rules, engine, events, offer, trust, shared);
    }

    /** With the offer and trust manager given: lets a test take the earlier lines away to prove the last one. */
    static SecureConnector create(
            String threadName,
            URI endpoint,
            SecureHttpClient.Rules rules,
            TlsEngine engine,
            SecurityEvents events,
            TlsOffer offer,
            TrustManager trust,
            @Nullable SharedEventLoops shared) {
        List<CidrRange> allowed = rules.allowedCidrs();
        AddressPinning pinning =
                allowed == null ? null : AddressPinning.verify(endpoint.getHost(), rules.resolver(), allowed, events);
        SslContext tls = TlsContexts.client(engine, rules.tlsPolicy(), offer, trust);
        if (shared != null) {
            IoEventLoops loops = shared.loops();
            return new SecureConnector(endpoint, rules.tlsPolicy(), tls, offer, pinning, loops, loops::spread, false);
        }
        NioEventLoopGroup loops = new NioEventLoopGroup(
                Math.min(2, Runtime.getRuntime().availableProcessors()), new DefaultThreadFactory(threadName, true));
        return new SecureConnector(endpoint, rules.tlsPolicy(), tls, offer, pinning, loops, loops::next, true);
    }

    /**
     * Opens a connection and completes its TLS handshake.
     *
     * @param http adds the handlers that follow TLS to the new connection's pipeline, on its event loop
     * @return the connection, once its handshake has completed and passed every check; or the failure, typed by
     *     {@link #typedRefusalOr} when a rule refused it. Completes on the connection's event loop.
     */
    // The connect and handshake futures are observed by their listeners; their outcome reaches the caller's future.
    @SuppressWarnings("FutureReturnValueIgnored")
    public CompletableFuture<Channel> connect(Consumer<ChannelPipeline> http) {
        CompletableFuture<Channel> connected = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap()
                .group(nextLoop.get())
                .channelFactory(() -> new SecureSocketChannel(offer, pinning))
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        SslHandler handler = tls.newHandler(channel.alloc(), host, port);
                        handler.setHandshakeTimeoutMillis(CONNECT_TIMEOUT.toMillis());
                        channel.pipeline().addLast("tls", handler);
                        http.accept(channel.pipeline());
                    }
                });
        ChannelFuture connecting;
        try {
            connecting = bootstrap.connect(InetSocketAddress.createUnresolved(host, port));
        } catch (RuntimeException shutDown) {
            connected.completeExceptionally(shutDown);
            return connected;
        }
        connecting.addListener(done -> {
            Channel channel = connecting.channel();
            if (!done.isSuccess()) {
                channel.close();
                connected.completeExceptionally(done.cause());
                return;
            }
            SslHandler handler = channel.pipeline().get(SslHandler.class);
            handler.handshakeFuture().addListener(handshake -> {
                TlsPolicyViolationException refusal = handshake.isSuccess() ? agreedViolation(handler.engine()) : null;
                if (!handshake.isSuccess() || refusal != null) {
                    channel.close();
                    connected.completeExceptionally(refusal != null ? refusal : handshake.cause());
                } else {
                    connected.complete(channel);
                }
            });
        });
        return connected;
    }

    /** The refusal for what a completed handshake agreed, or {@code null} if the policy allows it. */
    @Nullable
    TlsPolicyViolationException agreedViolation(SSLEngine engine) {
        SSLSession session = engine.getSession();
        String protocol = session.getProtocol();
        String suite = session.getCipherSuite();
        Optional<String> broken = policy.violation(protocol, suite);
        if (broken.isPresent()) {
            return new TlsPolicyViolationException(
                    endpointName,
                    protocol,
                    suite,
                    broken.get() + "; found after the handshake, before any request byte was written",
                    null);
        }
        if (!"HTTPS".equalsIgnoreCase(engine.getSSLParameters().getEndpointIdentificationAlgorithm())) {
            return new TlsPolicyViolationException(
                    endpointName, protocol, suite, "host name verification was not active on the connection", null);
        }
        return null;
    }

    /** @return an executor that hands each task to the next of this connector's event loops in turn */
    public Executor workers() {
        return task -> nextLoop.get().execute(task);
    }

    /**
     * Runs {@code task} on one of this connector's event loops after {@code delay}; for timeouts.
     *
     * @return a handle that cancels the task
     */
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return nextLoop.get().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** @return the only endpoint this connector opens connections to */
    public URI endpoint() {
        return endpoint;
    }

    /** @return {@code host:port} of the endpoint */
    public String endpointName() {
        return endpointName;
    }

    /** See {@link SecureHttpClient#typedRefusalOr}; the same mapping. */
    public Throwable typedRefusalOr(Throwable error) {
        return TypedRefusals.typedOr(endpointName, error);
    }

    /**
     * Stops the event loops, closing every connection, and waits at most 10 s for them; shared loops are left to
     * their owner (the connection pool closes its connections itself).
     */
    @Override
    public void close() {
        if (!ownsLoops) {
            return;
        }
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
