package io.securefirehose.internal.tls;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import io.securefirehose.ProducerConfig;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;

/**
 * The one way this SDK builds an AWS SDK HTTP client (Firehose, STS, KMS): one explicit {@code https://}
 * endpoint per client; the JDK TLS engine offering only the policy's protocols and suites ({@link TlsOffer}); our
 * trust manager (TLS policy, chain and host name checks); when the endpoint's addresses are verified, socket channels
 * pinned to the addresses verified at build; and, in front of it all, {@link EndpointGuard}, which refuses any
 * request that is not https to that endpoint before a connection opens. Owns its event loops. The producer's own
 * Firehose connections (the lean path) come from {@link SecureConnector}, under the same offer, trust manager and
 * pinning.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SecureHttpClient implements AutoCloseable {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    /** What a connection must satisfy. */
    public record Rules(
            TrustMaterial trust,
            TlsPolicy tlsPolicy,
            @Nullable List<CidrRange> allowedCidrs,
            HostResolver resolver) {}

    private final String endpointName;
    private final URI endpoint;
    private final IoEventLoops eventLoops;
    private final boolean ownsLoops;
    private final SdkAsyncHttpClient client;

    private SecureHttpClient(
            String endpointName, URI endpoint, IoEventLoops eventLoops, boolean ownsLoops, SdkAsyncHttpClient client) {
        this.endpointName = endpointName;
        this.endpoint = endpoint;
        this.eventLoops = eventLoops;
        this.ownsLoops = ownsLoops;
        this.client = client;
    }

    /**
     * Builds the client; resolves and verifies the endpoint's addresses first when the rules ask for it.
     *
     * @param threadName name prefix of the I/O threads
     * @param endpoint the only endpoint requests may go to, {@code https://host[:port]} (its host is pinned when the
     *     rules verify addresses)
     * @param rules the rules every connection must satisfy
     * @param maxConnections most connections at once
     * @param events where security events go
     * @throws io.securefirehose.errors.EndpointPolicyViolationException if the endpoint's addresses are not allowed
     */
    public static SecureHttpClient create(
            String threadName, URI endpoint, Rules rules, int maxConnections, SecurityEvents events) {
        return create(threadName, endpoint, rules, maxConnections, events, null);
    }

    /**
     * As {@link #create(String, URI, Rules, int, SecurityEvents)}, on {@code shared} loops when given (then
     * {@link #close()} leaves them running) instead of loops of its own.
     *
     * @param shared the loops of a client, or {@code null} for loops of its own
     */
    public static SecureHttpClient create(
            String threadName,
            URI endpoint,
            Rules rules,
            int maxConnections,
            SecurityEvents events,
            @Nullable SharedEventLoops shared) {
        requireHttps(endpoint);
        TlsOffer offer = TlsOffer.of(rules.tlsPolicy());
        ChannelFactory<? extends Channel> channels = channels(endpoint, rules, offer, events);
        // Our own event loops, so that close() can stop them without Netty's default two-second quiet period, and
        // so that a connection that cannot open fails its request at once (see IoEventLoops).
        IoEventLoops eventLoops = shared != null
                ? shared.loops()
                : new IoEventLoops(
                        Math.min(2, Runtime.getRuntime().availableProcessors()),
                        new DefaultThreadFactory(threadName, true));
        X509ExtendedTrustManager trust = rules.trust().x509TrustManager();
        TlsPolicy policy = rules.tlsPolicy();
        SdkAsyncHttpClient netty = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(SdkEventLoopGroup.create(eventLoops, channels))
                .protocol(Protocol.HTTP1_1)
                // Chosen explicitly, never by whatever TLS library happens to be on the class path.
                .sslProvider(SslProvider.JDK)
                // Always our trust manager: it is where the TLS policy and host name verification are enforced.
                .tlsTrustManagersProvider(() -> new TrustManager[] {new PolicyEnforcingTrustManager(trust, policy)})
                .maxConcurrency(maxConnections)
                .connectionTimeout(CONNECT_TIMEOUT)
                .tlsNegotiationTimeout(CONNECT_TIMEOUT)
                .build();
        SdkAsyncHttpClient client = new EndpointGuard(netty, endpoint, events);
        return new SecureHttpClient(name(endpoint), endpoint, eventLoops, shared == null, client);
    }

    /**
     * @throws EndpointPolicyViolationException if {@code endpoint} is not {@code https://host[:port]}
     */
    static void requireHttps(URI endpoint) {
        if (!"https".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
            throw new EndpointPolicyViolationException(
                    "endpoint " + endpoint + " is not https://host[:port]: every connection of this SDK uses TLS");
        }
    }

    /** @return {@code host:port} of {@code endpoint}, the port 443 when it names none */
    static String name(URI endpoint) {
        return endpoint.getHost() + ":" + (endpoint.getPort() < 0 ? 443 : endpoint.getPort());
    }

    /** The client for the Firehose endpoint of {@code config}, one connection per request in flight. */
    public static SecureHttpClient forFirehose(ProducerConfig config, SecurityEvents events) {
        return forFirehose(config, events, config.maxInFlightRequests(), null);
    }

    /**
     * The client for the Firehose endpoint of {@code config}.
     *
     * @param maxConnections most connections at once
     * @param shared the loops of a client, or {@code null} for loops of its own
     */
    public static SecureHttpClient forFirehose(
            ProducerConfig config, SecurityEvents events, int maxConnections, @Nullable SharedEventLoops shared) {
        return create(
                "firehose-secure-io-" + config.deliveryStreamName(),
                config.firehoseEndpoint(),
                new Rules(config.trustMaterial(), config.tlsPolicy(), config.allowedCidrs(), config.hostResolver()),
                maxConnections,
                events,
                shared);
    }

    /** This client's event loops, as an executor for work that belongs next to its I/O, spread over all of them. */
    public Executor workers() {
        return eventLoops.workers();
    }

    /**
     * Runs {@code task} on this client's I/O loop after {@code delay}; for timeouts of its exchanges.
     *
     * @return a handle that cancels the task
     */
    public ScheduledFuture<?> schedule(Runnable task, Duration delay) {
        return eventLoops.next().schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static ChannelFactory<? extends Channel> channels(
            URI endpoint, Rules rules, TlsOffer offer, SecurityEvents events) {
        List<CidrRange> allowed = rules.allowedCidrs();
        AddressPinning pinning =
                allowed == null ? null : AddressPinning.verify(endpoint.getHost(), rules.resolver(), allowed, events);
        return () -> new SecureSocketChannel(offer, pinning);
    }

    /** @return the only endpoint this client sends to; AWS clients built on it must be given exactly this one */
    public URI endpoint() {
        return endpoint;
    }

    public SdkAsyncHttpClient client() {
        return client;
    }

    /**
     * A connection the rules refused becomes its typed exception: the first exception of this SDK's own types in the
     * cause chain (a TLS, address or request refusal, or a failure another client already typed, such as STS behind
     * the credentials), or, for a handshake that ended before anything was agreed, a
     * {@link TlsPolicyViolationException} that says so. Any other failure passes through, unwrapped from
     * {@link CompletionException}.
     */
    public Throwable typedRefusalOr(Throwable error) {
        return TypedRefusals.typedOr(endpointName, error);
    }

    @Override
    public void close() {
        client.close();
        if (!ownsLoops) {
            return;
        }
        eventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
