package io.securefirehose;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.securefirehose.internal.client.ClientResources;
import io.securefirehose.internal.producer.ProducerCore;
import io.securefirehose.records.FirehoseLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * One client for many delivery streams: built once with the connection, identity, TLS, endpoint and encryption
 * settings, it hands out a {@link SecureFirehoseProducer} per stream that shares the client's resources instead of
 * starting its own.
 *
 * <pre>{@code
 * try (SecureFirehoseClient client = SecureFirehoseClient.builder()
 *         .settings(SecureFirehoseProducer.builder()
 *                 .region(Region.EU_WEST_1)
 *                 .assumeRole(AssumeRole.role(roleArn).build()))
 *         .build()) {
 *     SecureFirehoseProducer orders = client.producer("orders");
 *     SecureFirehoseProducer clicks = client.producer("clicks", StreamOptions.builder().linger(ofMillis(50)).build());
 *     ...
 * }
 * }</pre>
 *
 * <h2>What the streams share</h2>
 *
 * <ul>
 *   <li>One sender thread ({@code firehose-secure-sender-client}) for every stream's batches, retries and future
 *       completions, one set of I/O event loops ({@code firehose-secure-io-client}) for every connection, one
 *       listener thread: the client's threads do not grow with its streams.
 *   <li>One connection pool to the Firehose endpoint, at most {@link Builder#maxConnections} connections; requests
 *       of all streams wait for a connection in the order they asked.
 *   <li>One STS session for the role: its session policy names every stream the client opened. Opening a stream
 *       renews the session at once (one {@code AssumeRole} call); the new stream sends once a session naming it
 *       has come, the others go on with theirs meanwhile. A closed stream leaves the policy at the next renewal
 *       (the last one stays). The policy's 2,048 characters bound how many streams one role's session can name;
 *       the narrowest policy is one role per stream (a client per role).
 *   <li>One KMS client; but each stream has its own data keys, whose encryption context names the stream, so a key
 *       never serves two streams.
 *   <li>One buffer of the settings' {@code maxBufferedBytes}, with a share per stream: a stream holds at most
 *       {@code maxBufferedBytes * weight / (sum of the open streams' weights)} (never less than one largest record),
 *       so a stream whose records cannot leave does not starve the others ({@link StreamOptions#bufferShare}).
 * </ul>
 *
 * <p>Per stream, as for a producer of its own: its batching ({@link StreamOptions}), its meters (tagged with the
 * stream), its failures, its close, its spill directory (by default one named after the stream inside the
 * settings' directory).
 *
 * <h2>Threads and closing</h2>
 *
 * <p>Thread-safe. {@link #producer} opens a stream on the calling thread (no I/O but renewing the role's session in
 * the background). A producer may be closed alone; {@link #close()} closes every producer still open, then the
 * shared resources. Callbacks run on the one sender thread: keep them short, as for a producer.
 */
@API(status = EXPERIMENTAL, since = "0.6.0")
public final class SecureFirehoseClient implements AutoCloseable {

    /** Default most connections to the Firehose endpoint, over all streams. */
    public static final int DEFAULT_MAX_CONNECTIONS = 16;

    /** Smallest share of the buffer a stream gets: one largest record, with room for its overhead. */
    static final long MIN_STREAM_SHARE = FirehoseLimits.MAX_RECORD_BYTES + 64 * 1024;

    private final ClientTemplate template;
    private final ClientResources resources;
    private final Map<String, SecureFirehoseProducer> producers = new LinkedHashMap<>(); // guarded by this
    private boolean closed; // guarded by this

    private SecureFirehoseClient(ClientTemplate template, ClientResources resources) {
        this.template = template;
        this.resources = resources;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The producer of a stream, with the client's settings.
     *
     * @param deliveryStream the stream's name
     * @return a started producer, sharing the client's resources
     * @throws IllegalStateException if the client is closed, a producer of that stream is open on it, or the role's
     *     session policy cannot name one more stream
     * @throws IllegalArgumentException if the name is not a delivery stream name
     */
    public SecureFirehoseProducer producer(String deliveryStream) {
        return producer(deliveryStream, StreamOptions.DEFAULTS);
    }

    /**
     * The producer of a stream, with its own batching, buffer share, coalescing or spill settings.
     *
     * @param deliveryStream the stream's name
     * @param options what the stream sets differently
     * @return a started producer, sharing the client's resources
     * @throws IllegalStateException if the client is closed, a producer of that stream is open on it, or the role's
     *     session policy cannot name one more stream
     * @throws IllegalArgumentException if the name is not a delivery stream name
     */
    public synchronized SecureFirehoseProducer producer(String deliveryStream, StreamOptions options) {
        Objects.requireNonNull(deliveryStream, "deliveryStream must not be null");
        Objects.requireNonNull(options, "options must not be null");
        if (closed) {
            throw new IllegalStateException("the client is closed: no new producer for stream " + deliveryStream);
        }
        if (producers.containsKey(deliveryStream)) {
            throw new IllegalStateException("a producer of stream " + deliveryStream + " is open on this client: use"
                    + " it, or close it before opening another");
        }
        ProducerConfig config = template.streamConfig(deliveryStream, options);
        ProducerCore core = resources.openStream(config, options.bufferShare());
        AtomicBoolean left = new AtomicBoolean();
        SecureFirehoseProducer producer = new SecureFirehoseProducer(core, () -> {
            if (left.compareAndSet(false, true)) {
                streamClosed(deliveryStream, config);
            }
        });
        producers.put(deliveryStream, producer);
        return producer;
    }

    private synchronized void streamClosed(String deliveryStream, ProducerConfig config) {
        producers.remove(deliveryStream);
        resources.streamClosed(config);
    }

    /** @return the streams whose producers are open, in the order they were opened */
    public synchronized Set<String> streams() {
        return Collections.unmodifiableSet(new LinkedHashSet<>(producers.keySet()));
    }

    /**
     * Closes every open producer, waiting as long as each one's buffered records may take, then what they shared.
     * See {@link #close(Duration)}.
     */
    @Override
    public void close() {
        closeWithin(null);
    }

    /**
     * Closes every open producer as {@link SecureFirehoseProducer#close(Duration)} does, all within {@code timeout}
     * (they go on sending while each is closed in turn), then the shared connections, sessions and threads.
     * Calling it again does nothing.
     *
     * @param timeout how long to wait for the buffered records of all streams; {@link Duration#ZERO} fails them at
     *     once
     */
    public void close(Duration timeout) {
        closeWithin(Objects.requireNonNull(timeout, "timeout must not be null"));
    }

    /** Closes within {@code timeout}, or as long as each producer's close takes when it is {@code null}. */
    private void closeWithin(@Nullable Duration timeout) {
        List<SecureFirehoseProducer> open;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            open = new ArrayList<>(producers.values());
        }
        long deadline = timeout == null ? 0 : System.nanoTime() + Math.min(timeout.toNanos(), TimeUnit.DAYS.toNanos(1));
        try {
            for (SecureFirehoseProducer producer : open) {
                if (timeout == null) {
                    producer.close();
                } else {
                    producer.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
                }
            }
        } finally {
            resources.close();
        }
    }

    /** Collects the client's settings and checks them at {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private @Nullable ProducerBuilder settings;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int ioThreads = Math.min(2, Runtime.getRuntime().availableProcessors());

        private Builder() {}

        /**
         * The settings every stream starts from: connection, identity, TLS, endpoint and encryption, and the defaults
         * of the per-stream options. No {@code deliveryStream}: streams are named by {@link #producer}. The builder
         * is copied at {@link #build()}; its {@code maxBufferedBytes} is the client's whole buffer, and its
         * listener, tracing and service failure listener hear every stream.
         *
         * @param settings a producer builder, for example from {@link SecureFirehoseProducer#builder()} or
         *     with {@link ProducerBuilder#properties(java.util.Map)} applied
         * @return this builder
         */
        public Builder settings(ProducerBuilder settings) {
            this.settings = Objects.requireNonNull(settings, "settings must not be null");
            return this;
        }

        /**
         * Most connections to the Firehose endpoint at once, over all streams. Default
         * {@value #DEFAULT_MAX_CONNECTIONS}. Each stream still has at most its {@code maxInFlightRequests} calls
         * on their way.
         *
         * @param connections 1 to 1,024
         * @return this builder
         */
        public Builder maxConnections(int connections) {
            if (connections < 1 || connections > 1024) {
                throw new IllegalArgumentException("maxConnections must be between 1 and 1024, was " + connections);
            }
            this.maxConnections = connections;
            return this;
        }

        /**
         * I/O event loops for all of the client's connections. Default 2 (1 on a single core).
         *
         * @param threads 1 to 64
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("ioThreads must be between 1 and 64, was " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * Checks the settings and starts the shared resources: the endpoint's addresses are verified (and pinned)
         * here, STS is first called when the first stream with a role opens.
         *
         * @return a started client with no stream open
         * @throws IllegalStateException if settings are missing or conflict
         */
        public SecureFirehoseClient build() {
            if (settings == null) {
                throw new IllegalStateException("settings are required: SecureFirehoseClient.builder()"
                        + ".settings(SecureFirehoseProducer.builder().region(...)...)");
            }
            ClientTemplate template = ClientTemplate.of(settings);
            ProducerBuilder copy = template.settings();
            ProducerConfig clientConfig = template.clientConfig();
            ClientResources resources = ClientResources.start(
                    clientConfig,
                    copy.scheduler,
                    copy.serviceFailureListener,
                    copy.listener,
                    copy.tracing,
                    ioThreads,
                    maxConnections,
                    MIN_STREAM_SHARE);
            return new SecureFirehoseClient(template, resources);
        }
    }
}
