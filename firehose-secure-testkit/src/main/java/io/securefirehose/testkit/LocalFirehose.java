package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
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
import io.securefirehose.testkit.internal.GeneratedCertificates;
import io.securefirehose.testkit.internal.S3StyleWriter;
import io.securefirehose.testkit.internal.SigV4Verifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * A local stand-in for Amazon Kinesis Data Firehose: an HTTPS server on loopback that speaks Firehose's awsJson1.1
 * protocol for {@code PutRecordBatch}, {@code PutRecord} and {@code DescribeDeliveryStream}, so that tests,
 * samples and benchmarks need no AWS account.
 *
 * <ul>
 *   <li>TLS with a certificate authority generated at start ({@link #trustPem()}, {@link #trustStore()}); the
 *       server certificate is valid for {@code localhost}, {@code 127.0.0.1} and {@code ::1}.
 *   <li>Every call must carry a valid SigV4 signature for the region and service {@code firehose}, made with
 *       credentials this server knows ({@link #credentials()}); others are refused the way AWS refuses them.
 *   <li>Firehose's limits are enforced: 500 records and 4 MiB per call, 1,024,000 bytes per record
 *       ({@code InvalidArgumentException}); unknown streams get {@code ResourceNotFoundException}.
 *   <li>Accepted records are captured in order ({@link #records(String)}) and, if an output directory is set,
 *       written as S3-style objects.
 *   <li>Faults can be scripted per call ({@link #enqueueFaults(Fault...)}) or drawn from a seeded
 *       {@link FaultPlan}; responses can be held back ({@link #pauseResponses()}).
 *   <li>The same endpoint answers STS {@code AssumeRole} for configured roles ({@link Builder#role}) and KMS
 *       {@code GenerateDataKey} / {@code Decrypt} for configured master keys ({@link Builder#kmsKey}), each signed
 *       for its own service; {@code Decrypt} succeeds only with the encryption context given at
 *       {@code GenerateDataKey}.
 * </ul>
 *
 * <p>All methods are thread-safe. Requests are served on Netty event-loop threads.
 */
@API(status = STABLE, since = "0.1.0")
public final class LocalFirehose implements AutoCloseable {

    /** Default region. */
    public static final String DEFAULT_REGION = "us-east-1";

    /** Default account id, used in stream ARNs. */
    public static final String DEFAULT_ACCOUNT_ID = "000000000000";

    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");

    private final Builder settings;
    private final GeneratedCertificates certificates;
    private final Map<String, LocalStream> streams = new ConcurrentHashMap<>();
    private final Map<String, AwsBasicCredentials> credentialsByKey = new ConcurrentHashMap<>();
    private final AwsBasicCredentials defaultCredentials;
    private final Queue<CapturedRequest> requests = new ConcurrentLinkedQueue<>();
    private final Queue<Fault> scriptedFaults = new ConcurrentLinkedQueue<>();
    private final AtomicLong requestSequence = new AtomicLong();
    private final ReentrantReadWriteLock handlingState = new ReentrantReadWriteLock();
    private final String instanceId;
    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final FirehoseHandler handler;
    private final ByteCounter applicationBytes = new ByteCounter();
    private final LocalSts sts;
    private final LocalKms kms;
    private volatile FaultPlan faultPlan;

    // Netty's shutdown and scheduling futures need no checking here: failures surface as the bind error itself.
    @SuppressWarnings("FutureReturnValueIgnored")
    private LocalFirehose(Builder settings) throws InterruptedException {
        this.settings = settings;
        this.instanceId = randomHex(8);
        this.defaultCredentials = settings.credentials.isEmpty()
                ? AwsBasicCredentials.create("AKIALOCAL" + randomHex(6).toUpperCase(Locale.ROOT), randomHex(20))
                : settings.credentials.get(0);
        credentialsByKey.put(defaultCredentials.accessKeyId(), defaultCredentials);
        for (AwsBasicCredentials extra : settings.credentials) {
            credentialsByKey.put(extra.accessKeyId(), extra);
        }
        this.faultPlan = settings.faultPlan;
        for (String stream : settings.streams) {
            addStream(stream);
        }
        this.certificates = GeneratedCertificates.create(
                settings.certificateHostNames,
                settings.certificateHostNames.contains("localhost") ? loopbackAddresses() : List.of(),
                settings.certificateNotBefore,
                settings.certificateNotAfter,
                settings.certificateKeyAlgorithm);
        SslContext ssl;
        try {
            SslContextBuilder tls = SslContextBuilder.forServer(certificates.serverKey(), certificates.server())
                    .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK)
                    .protocols(settings.tlsProtocols);
            if (settings.tlsCipherSuites != null) {
                tls.ciphers(settings.tlsCipherSuites);
            }
            ssl = tls.build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the server's TLS context", e);
        }
        this.sts = new LocalSts(settings.roles, settings.webIdentityRoles, settings.sessionDuration, settings.clock);
        this.kms = new LocalKms(settings.kmsKeys, settings.region, settings.accountId);
        // Clients sign with real time; issued sessions expire by the configured (possibly hand-moved) clock.
        SigV4Verifier verifier =
                new SigV4Verifier(this::lookupCredentials, settings.region, Clock.systemUTC(), settings.clock);
        this.handler = new FirehoseHandler(this, verifier);
        this.bossGroup = new NioEventLoopGroup(1, new DefaultThreadFactory("local-firehose-accept", true));
        this.workerGroup =
                new NioEventLoopGroup(settings.ioThreads, new DefaultThreadFactory("local-firehose-io", true));
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
                                .addLast("count", applicationBytes)
                                .addLast("http", new HttpServerCodec())
                                .addLast("aggregate", new HttpObjectAggregator(FirehoseHandler.MAX_BODY_BYTES))
                                .addLast("firehose", handler);
                    }
                });
        try {
            this.serverChannel = bootstrap
                    .bind(new InetSocketAddress(settings.bindAddress, settings.port))
                    .sync()
                    .channel();
        } catch (InterruptedException | RuntimeException e) {
            bossGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        if (settings.outputDirectory != null) {
            workerGroup.scheduleAtFixedRate(this::cutOldObjects, 1, 1, TimeUnit.SECONDS);
        }
    }

    /** @return a builder with one stream named {@code local-stream} unless streams are added */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts a server with one stream and default settings.
     *
     * @param streamNames the delivery streams to serve
     * @return the started server
     */
    public static LocalFirehose start(String... streamNames) {
        Builder builder = builder();
        for (String name : streamNames) {
            builder.stream(name);
        }
        return builder.start();
    }

    /** @return {@code https://localhost:<port>} */
    public URI endpoint() {
        return URI.create("https://localhost:" + port());
    }

    /** @return the TCP port the server listens on */
    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** @return the region requests must be signed for */
    public String region() {
        return settings.region;
    }

    /** @return the account id used in ARNs */
    public String accountId() {
        return settings.accountId;
    }

    /** @return the credentials clients should sign with (the first accepted pair) */
    public AwsBasicCredentials credentials() {
        return defaultCredentials;
    }

    /** @return a provider of {@link #credentials()} */
    public AwsCredentialsProvider credentialsProvider() {
        return StaticCredentialsProvider.create(defaultCredentials);
    }

    /**
     * Accepts another pair of credentials from now on.
     *
     * @param credentials access key id and secret
     */
    public void acceptCredentials(AwsBasicCredentials credentials) {
        credentialsByKey.put(credentials.accessKeyId(), credentials);
    }

    /**
     * Stops accepting a pair of credentials.
     *
     * @param accessKeyId the access key id
     */
    public void revokeCredentials(String accessKeyId) {
        credentialsByKey.remove(accessKeyId);
    }

    /** @return the PEM of the certificate authority that signed the server certificate: what clients trust */
    public String trustPem() {
        return certificates.authorityPem();
    }

    /**
     * Writes {@link #trustPem()} to a file.
     *
     * @param file where to write
     * @return {@code file}
     */
    public Path writeTrustPem(Path file) {
        try {
            Files.writeString(file, trustPem(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write trust PEM to " + file, e);
        }
        return file;
    }

    /** @return an in-memory trust store with the certificate authority */
    public KeyStore trustStore() {
        return certificates.trustStore();
    }

    /**
     * Serves another delivery stream from now on.
     *
     * @param name stream name
     */
    public void addStream(String name) {
        Objects.requireNonNull(name, "name");
        if (!STREAM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("stream name must be 1 to 64 of [a-zA-Z0-9_.-], was '" + name + "'");
        }
        S3StyleWriter writer = settings.outputDirectory == null
                ? null
                : new S3StyleWriter(
                        settings.outputDirectory,
                        name,
                        settings.objectBytes,
                        settings.objectAge,
                        settings.gzip,
                        settings.clock);
        StreamPosture posture = settings.postures.getOrDefault(name, StreamPosture.unprotected());
        LocalStream stream = streams.computeIfAbsent(
                name,
                n -> new LocalStream(
                        n, streamArn(n), settings.clock.instant(), settings.captureRecords, writer, posture));
        StreamQuota quota = settings.quotas.getOrDefault(name, settings.quotaForAllStreams);
        if (quota != null) {
            stream.quota(quota);
        }
    }

    /**
     * Enforces a direct-PUT quota on a stream from now on, with full buckets, or lifts it ({@code null}). Calls over
     * the quota are refused with {@code ServiceUnavailableException} (HTTP 500) and stored nowhere; their captured
     * outcome is {@code ServiceUnavailableException}.
     *
     * @param stream the stream's name
     * @param quota the quota, or {@code null} for none
     * @throws IllegalArgumentException if the stream does not exist
     */
    public void quota(String stream, @Nullable StreamQuota quota) {
        LocalStream state = streams.get(stream);
        if (state == null) {
            throw new IllegalArgumentException("no stream '" + stream + "'");
        }
        state.quota(quota);
    }

    /**
     * Changes what a stream reports in {@code DescribeDeliveryStream} and whether its answers say
     * {@code Encrypted=true}.
     *
     * @param stream the stream's name
     * @param posture its security configuration
     * @throws IllegalArgumentException if the stream does not exist
     */
    public void posture(String stream, StreamPosture posture) {
        LocalStream state = streams.get(stream);
        if (state == null) {
            throw new IllegalArgumentException("no stream '" + stream + "'");
        }
        state.posture(Objects.requireNonNull(posture, "posture"));
    }

    /**
     * @param name stream name
     * @return the stream's ARN
     */
    public String streamArn(String name) {
        return "arn:aws:firehose:" + settings.region + ":" + settings.accountId + ":deliverystream/" + name;
    }

    /**
     * Records accepted for one stream, in the order they were accepted.
     *
     * @param stream stream name
     * @return a snapshot (empty if capturing is off)
     */
    public List<CapturedRecord> records(String stream) {
        LocalStream state = streams.get(stream);
        return state == null ? List.of() : state.records();
    }

    /**
     * @param stream stream name
     * @return how many records were accepted for the stream (counted even when capturing is off)
     */
    public long acceptedRecordCount(String stream) {
        LocalStream state = streams.get(stream);
        return state == null ? 0 : state.acceptedRecords();
    }

    /**
     * @param stream stream name
     * @return record bytes accepted for the stream
     */
    public long acceptedBytes(String stream) {
        LocalStream state = streams.get(stream);
        return state == null ? 0 : state.acceptedBytes();
    }

    /**
     * Decrypted bytes received over all connections: zero proves that no request byte arrived, for example when a
     * client refused the TLS handshake.
     *
     * @return application bytes received since start or the last {@link #reset()}
     */
    public long applicationBytesReceived() {
        return applicationBytes.total();
    }

    /**
     * TCP connections accepted: zero proves that a client never even connected.
     *
     * @return connections accepted since start or the last {@link #reset()}
     */
    public long connectionsAccepted() {
        return applicationBytes.connections();
    }

    /**
     * STS {@code AssumeRole} calls received, in arrival order, with the session policy each one sent.
     *
     * @return the calls since start or the last {@link #reset()}
     */
    public List<CapturedAssumeRole> assumeRoleRequests() {
        return sts.calls();
    }

    /**
     * Simulates an STS outage: while off, {@code AssumeRole} answers {@code ServiceUnavailable} (HTTP 503).
     * Credentials already issued stay valid until they expire.
     *
     * @param available whether STS answers normally
     */
    public void stsAvailable(boolean available) {
        sts.available(available);
    }

    /**
     * KMS calls received ({@code GenerateDataKey}, {@code Decrypt}), in arrival order.
     *
     * @return the calls since start or the last {@link #reset()}
     */
    public List<CapturedKmsCall> kmsRequests() {
        return kms.calls();
    }

    /**
     * KMS calls of one operation that succeeded.
     *
     * @param operation {@code GenerateDataKey} or {@code Decrypt}
     * @return how many were answered with {@code OK} since start or the last {@link #reset()}
     */
    public long kmsCallCount(String operation) {
        return kms.calls().stream()
                .filter(call -> call.operation().equals(operation) && "OK".equals(call.outcome()))
                .count();
    }

    /**
     * Simulates a KMS outage: while off, every KMS call answers {@code KMSInternalException} (HTTP 500).
     *
     * @param available whether KMS answers normally
     */
    public void kmsAvailable(boolean available) {
        kms.available(available);
    }

    /**
     * Simulates KMS throttling: that fraction of KMS calls, evenly spread, answers {@code ThrottlingException}
     * (HTTP 400, "Rate exceeded."), as KMS does above its request quota. {@code 0} turns it off (the default, and
     * after {@link #reset()}), {@code 1} throttles every call.
     *
     * @param fraction the share of calls to throttle, within [0, 1]
     * @throws IllegalArgumentException if the fraction is outside [0, 1]
     */
    public void kmsThrottling(double fraction) {
        kms.throttling(fraction);
    }

    /**
     * The ARN of a master key configured with {@link Builder#kmsKey}.
     *
     * @param keyId the key's id
     * @return {@code arn:aws:kms:<region>:<account>:key/<keyId>}
     */
    public String kmsKeyArn(String keyId) {
        return LocalKms.keyArn(settings.region, settings.accountId, keyId);
    }

    /** @return every call received, in arrival order */
    public List<CapturedRequest> requests() {
        List<CapturedRequest> list = new ArrayList<>(requests);
        list.sort((a, b) -> Long.compare(a.sequence(), b.sequence()));
        return list;
    }

    /**
     * Replaces the random fault plan.
     *
     * @param plan the new plan; {@link FaultPlan#none()} turns random faults off
     */
    public void faults(FaultPlan plan) {
        this.faultPlan = Objects.requireNonNull(plan, "plan");
    }

    /**
     * Queues faults for the next data calls ({@code PutRecordBatch}, {@code PutRecord}), one per call, in order.
     *
     * @param faults the faults
     */
    public void enqueueFaults(Fault... faults) {
        for (Fault fault : faults) {
            scriptedFaults.add(Objects.requireNonNull(fault, "fault"));
        }
    }

    /** Holds back every response from now on (calls are still processed and captured). */
    public void pauseResponses() {
        handler.pause();
    }

    /** Sends the held-back responses and answers normally again. */
    public void resumeResponses() {
        handler.resume();
    }

    /** @return how many responses are being held back */
    public int pausedResponses() {
        return handler.pausedCount();
    }

    /**
     * Forgets captured records and calls, scripted faults and the random plan, restarts call numbering at 1 (so a
     * seeded plan repeats), and resumes held responses. Waits for the calls being handled, and calls that arrive
     * meanwhile wait for it, so each call is handled entirely before or entirely after the reset.
     */
    public void reset() {
        // Waits for the calls being handled, so that none of them is captured after the reset.
        Lock exclusive = handlingState.writeLock();
        exclusive.lock();
        try {
            for (LocalStream stream : streams.values()) {
                stream.clear();
            }
            requests.clear();
            sts.reset();
            kms.reset();
            requestSequence.set(0);
            applicationBytes.reset();
            scriptedFaults.clear();
            faultPlan = FaultPlan.none();
        } finally {
            exclusive.unlock();
        }
        handler.resume();
    }

    /** Writes every stream's buffered records as objects now, whatever their size or age. */
    public void flushDeliveries() {
        for (LocalStream stream : streams.values()) {
            S3StyleWriter writer = stream.writer();
            if (writer != null) {
                writer.flush();
            }
        }
    }

    /**
     * @param stream stream name
     * @return objects written for the stream, oldest first (empty without an output directory)
     */
    public List<Path> deliveredObjects(String stream) {
        LocalStream state = streams.get(stream);
        S3StyleWriter writer = state == null ? null : state.writer();
        return writer == null ? List.of() : writer.objects();
    }

    /** @return the output directory, if one was set */
    public Optional<Path> outputDirectory() {
        return Optional.ofNullable(settings.outputDirectory);
    }

    /** Stops the server, after writing buffered records as objects. Idempotent. */
    @Override
    public void close() {
        if (!serverChannel.isOpen() && bossGroup.isShuttingDown()) {
            return;
        }
        handler.resume();
        serverChannel.close().awaitUninterruptibly();
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        flushDeliveries();
    }

    // ---- used by FirehoseHandler ----

    /** Its read lock is held while a call is handled; {@link #reset()} takes its write lock. */
    ReentrantReadWriteLock callHandling() {
        return handlingState;
    }

    long nextSequence() {
        return requestSequence.incrementAndGet();
    }

    void recordRequest(CapturedRequest request) {
        requests.add(request);
    }

    @Nullable
    LocalStream stream(String name) {
        return streams.get(name);
    }

    @Nullable
    Fault nextScriptedFault() {
        return scriptedFaults.poll();
    }

    boolean keepsRecordData() {
        return settings.captureRecords || settings.outputDirectory != null;
    }

    FaultPlan faultPlan() {
        return faultPlan;
    }

    String instanceId() {
        return instanceId;
    }

    Clock clock() {
        return settings.clock;
    }

    private Optional<SigV4Verifier.Known> lookupCredentials(String accessKeyId) {
        AwsBasicCredentials longTerm = credentialsByKey.get(accessKeyId);
        if (longTerm != null) {
            return Optional.of(new SigV4Verifier.Known(longTerm, null, null));
        }
        return sts.issuedCredentials(accessKeyId);
    }

    LocalKms kms() {
        return kms;
    }

    LocalSts sts() {
        return sts;
    }

    boolean requiresSessionCredentials() {
        return settings.requireSessionCredentials;
    }

    boolean isIssuedSession(String accessKeyId) {
        return sts.issuedCredentials(accessKeyId).isPresent();
    }

    /** Cuts objects whose oldest record reached the age threshold; runs every second, callable from tests. */
    void cutOldObjects() {
        for (LocalStream stream : streams.values()) {
            S3StyleWriter writer = stream.writer();
            if (writer != null) {
                writer.cutIfOld();
            }
        }
    }

    private static String randomHex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    private static List<InetAddress> loopbackAddresses() {
        try {
            byte[] ipv6Loopback = new byte[16];
            ipv6Loopback[15] = 1;
            return List.of(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), InetAddress.getByAddress(ipv6Loopback));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Configures and starts a {@link LocalFirehose}. Not thread-safe. */
    public static final class Builder {
        private final Set<String> streams = new LinkedHashSet<>();
        private final List<AwsBasicCredentials> credentials = new ArrayList<>();
        private String region = DEFAULT_REGION;
        private String accountId = DEFAULT_ACCOUNT_ID;
        private String bindAddress = "127.0.0.1";
        private int port;
        private int ioThreads = 2;
        private boolean captureRecords = true;
        private @Nullable Path outputDirectory;
        private long objectBytes = 5L * 1024 * 1024;
        private Duration objectAge = Duration.ofSeconds(60);
        private boolean gzip;
        private FaultPlan faultPlan = FaultPlan.none();
        private Clock clock = Clock.systemUTC();
        private String[] tlsProtocols = {"TLSv1.3", "TLSv1.2"};
        private @Nullable List<String> tlsCipherSuites;
        private List<String> certificateHostNames = List.of("localhost");
        private Instant certificateNotBefore = Instant.now().minus(Duration.ofHours(1));
        private Instant certificateNotAfter = Instant.now().plus(Duration.ofDays(30));
        private String certificateKeyAlgorithm = "EC";
        private final Map<String, Optional<String>> roles = new LinkedHashMap<>();
        private final Map<String, String> webIdentityRoles = new LinkedHashMap<>();
        private @Nullable Duration sessionDuration;
        private boolean requireSessionCredentials;
        private final Map<String, List<String>> kmsKeys = new LinkedHashMap<>();
        private final Map<String, StreamPosture> postures = new LinkedHashMap<>();
        private final Map<String, StreamQuota> quotas = new LinkedHashMap<>();
        private @Nullable StreamQuota quotaForAllStreams;

        private Builder() {}

        /**
         * A KMS master key that {@code GenerateDataKey} and {@code Decrypt} accept, by id, by ARN
         * ({@link LocalFirehose#kmsKeyArn}) or by one of its aliases. Its secret is random and lives only in this
         * server.
         *
         * @param keyId the key's id, for example a UUID
         * @param aliases alias names, each {@code alias/<name>}
         * @return this builder
         */
        public Builder kmsKey(String keyId, String... aliases) {
            Objects.requireNonNull(keyId, "keyId");
            if (!keyId.matches("[a-zA-Z0-9-]{1,64}")) {
                throw new IllegalArgumentException(
                        "kmsKey id must be 1 to 64 letters, digits or '-', was '" + keyId + "'");
            }
            for (String alias : aliases) {
                if (!alias.matches("alias/[a-zA-Z0-9/_-]{1,250}")) {
                    throw new IllegalArgumentException("kmsKey alias must be alias/<name>, was '" + alias + "'");
                }
            }
            kmsKeys.put(keyId, List.of(aliases));
            return this;
        }

        /**
         * Accepts Firehose calls only when they are signed with temporary credentials this server's STS issued (and
         * which have not expired): proof that a client really uses its assumed role. Long-term credentials are then
         * good only for calling STS.
         *
         * @param required whether Firehose calls need issued session credentials
         * @return this builder
         */
        public Builder requireSessionCredentials(boolean required) {
            this.requireSessionCredentials = required;
            return this;
        }

        /**
         * A role STS {@code AssumeRole} may hand out, to any caller with accepted credentials.
         *
         * @param roleArn {@code arn:aws:iam::<account>:role/<name>}
         * @return this builder
         */
        public Builder role(String roleArn) {
            roles.put(Objects.requireNonNull(roleArn, "roleArn"), Optional.empty());
            return this;
        }

        /**
         * A role STS {@code AssumeRole} hands out only with this external id.
         *
         * @param roleArn {@code arn:aws:iam::<account>:role/<name>}
         * @param externalId the external id callers must send
         * @return this builder
         */
        public Builder role(String roleArn, String externalId) {
            roles.put(Objects.requireNonNull(roleArn, "roleArn"), Optional.of(externalId));
            return this;
        }

        /**
         * A role STS {@code AssumeRoleWithWebIdentity} hands out (unsigned, as in AWS) to whoever presents this
         * token, the way an EKS service account's projected token works.
         *
         * @param roleArn {@code arn:aws:iam::<account>:role/<name>}
         * @param token the web identity token callers must send
         * @return this builder
         */
        public Builder webIdentityRole(String roleArn, String token) {
            webIdentityRoles.put(Objects.requireNonNull(roleArn, "roleArn"), Objects.requireNonNull(token, "token"));
            return this;
        }

        /**
         * Issues session credentials valid for this long, whatever duration the caller asked for (to test refresh
         * and expiry without waiting).
         *
         * @param duration validity of issued credentials
         * @return this builder
         */
        public Builder sessionDuration(Duration duration) {
            this.sessionDuration = Objects.requireNonNull(duration, "duration");
            return this;
        }

        /**
         * TLS versions the server offers, for testing clients against weak or unusual setups. Default TLS 1.3 and
         * 1.2.
         *
         * @param protocols for example {@code "TLSv1"}, {@code "TLSv1.1"}, {@code "TLSv1.2"}, {@code "TLSv1.3"}
         * @return this builder
         */
        public Builder tlsProtocols(String... protocols) {
            if (protocols.length == 0) {
                throw new IllegalArgumentException("tlsProtocols needs at least one protocol");
            }
            this.tlsProtocols = protocols.clone();
            return this;
        }

        /**
         * Cipher suites the server offers (standard names). Default: the TLS library's own choice.
         *
         * @param suites for example {@code "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"}
         * @return this builder
         */
        public Builder tlsCipherSuites(String... suites) {
            this.tlsCipherSuites = List.of(suites);
            return this;
        }

        /**
         * Host names the server certificate is valid for. Default {@code localhost} (plus {@code 127.0.0.1} and
         * {@code ::1}); anything else makes a certificate that a client connecting to {@code localhost} refuses.
         *
         * @param hostNames DNS names
         * @return this builder
         */
        public Builder certificateHostNames(String... hostNames) {
            this.certificateHostNames = List.of(hostNames);
            return this;
        }

        /**
         * Validity of the server certificate. Default: from an hour ago for 30 days.
         *
         * @param notBefore start
         * @param notAfter end; in the past for an expired certificate
         * @return this builder
         */
        public Builder certificateValidity(Instant notBefore, Instant notAfter) {
            if (!notAfter.isAfter(notBefore)) {
                throw new IllegalArgumentException("certificate validity must end after it starts");
            }
            this.certificateNotBefore = notBefore;
            this.certificateNotAfter = notAfter;
            return this;
        }

        /**
         * Key type of the server certificate. Default {@code EC}; {@code RSA} is needed to offer RSA key exchange
         * and {@code ECDHE_RSA} suites.
         *
         * @param algorithm {@code EC} or {@code RSA}
         * @return this builder
         */
        public Builder certificateKeyAlgorithm(String algorithm) {
            if (!"EC".equals(algorithm) && !"RSA".equals(algorithm)) {
                throw new IllegalArgumentException("certificateKeyAlgorithm must be EC or RSA, was " + algorithm);
            }
            this.certificateKeyAlgorithm = algorithm;
            return this;
        }

        /**
         * Serves a delivery stream.
         *
         * @param name stream name
         * @return this builder
         */
        public Builder stream(String name) {
            Objects.requireNonNull(name, "name");
            if (!STREAM_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("stream name must be 1 to 64 of [a-zA-Z0-9_.-], was '" + name + "'");
            }
            streams.add(name);
            return this;
        }

        /**
         * A stream with the given security configuration (default {@link StreamPosture#unprotected()}).
         *
         * @param name the stream's name
         * @param posture what {@code DescribeDeliveryStream} reports, and whether answers say
         *     {@code Encrypted=true}
         * @return this builder
         */
        public Builder stream(String name, StreamPosture posture) {
            stream(name);
            postures.put(name, Objects.requireNonNull(posture, "posture"));
            return this;
        }

        /**
         * Enforces a direct-PUT quota on a stream (see {@link StreamQuota}); default none.
         *
         * @param name the stream's name (also created, as with {@link #stream(String)})
         * @param quota its quota
         * @return this builder
         */
        public Builder quota(String name, StreamQuota quota) {
            stream(name);
            quotas.put(name, Objects.requireNonNull(quota, "quota"));
            return this;
        }

        /**
         * Enforces a direct-PUT quota on every stream that has none of its own; default none.
         *
         * @param quota the quota
         * @return this builder
         */
        public Builder quotaForAllStreams(StreamQuota quota) {
            this.quotaForAllStreams = Objects.requireNonNull(quota, "quota");
            return this;
        }

        /**
         * @param region region requests must be signed for; default {@value #DEFAULT_REGION}
         * @return this builder
         */
        public Builder region(String region) {
            this.region = Objects.requireNonNull(region, "region");
            return this;
        }

        /**
         * @param accountId 12-digit account id used in ARNs
         * @return this builder
         */
        public Builder accountId(String accountId) {
            if (!accountId.matches("\\d{12}")) {
                throw new IllegalArgumentException("accountId must be 12 digits, was '" + accountId + "'");
            }
            this.accountId = accountId;
            return this;
        }

        /**
         * Accepts these credentials; the first pair added is the one {@link #credentials()} returns. Default: one
         * random pair.
         *
         * @param accessKeyId access key id
         * @param secretAccessKey secret access key
         * @return this builder
         */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            credentials.add(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
            return this;
        }

        /**
         * @param port TCP port; 0 (default) picks a free one
         * @return this builder
         */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * @param address loopback address to bind; default {@code 127.0.0.1}
         * @return this builder
         */
        public Builder bindAddress(String address) {
            Objects.requireNonNull(address, "address");
            try {
                for (InetAddress resolved : InetAddress.getAllByName(address)) {
                    if (!resolved.isLoopbackAddress()) {
                        throw new IllegalArgumentException(
                                "LocalFirehose binds only to loopback addresses, was " + address);
                    }
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("unknown bind address " + address, e);
            }
            this.bindAddress = address;
            return this;
        }

        /**
         * @param threads event-loop threads serving connections; default 2
         * @return this builder
         */
        public Builder ioThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("ioThreads must be at least 1, was " + threads);
            }
            this.ioThreads = threads;
            return this;
        }

        /**
         * @param capture whether to keep every accepted record in memory (default true); turn off for long load runs,
         *     counts are kept either way
         * @return this builder
         */
        public Builder captureRecords(boolean capture) {
            this.captureRecords = capture;
            return this;
        }

        /**
         * Writes accepted records to this directory as S3-style objects.
         *
         * @param directory output directory
         * @return this builder
         */
        public Builder outputDirectory(Path directory) {
            this.outputDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * When objects are cut: at {@code bytes} buffered, or when the oldest buffered record is {@code age} old.
         * Default 5 MiB and 60 s, Firehose's usual buffering hints are 1-128 MiB and 0-900 s.
         *
         * @param bytes size threshold, at least 1
         * @param age age threshold, more than zero
         * @return this builder
         */
        public Builder deliveryBuffering(long bytes, Duration age) {
            if (bytes < 1 || age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException(
                        "deliveryBuffering needs bytes >= 1 and age > 0, was " + bytes + ", " + age);
            }
            this.objectBytes = bytes;
            this.objectAge = age;
            return this;
        }

        /**
         * @param gzip whether objects are gzip-compressed, like a stream with {@code CompressionFormat=GZIP}
         * @return this builder
         */
        public Builder gzip(boolean gzip) {
            this.gzip = gzip;
            return this;
        }

        /**
         * @param plan random faults to inject from the start
         * @return this builder
         */
        public Builder faults(FaultPlan plan) {
            this.faultPlan = Objects.requireNonNull(plan, "plan");
            return this;
        }

        /**
         * @param clock clock that issued STS sessions expire by, and that names and ages delivered objects
         *     (signature times are always checked against the real clock, which clients sign with)
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Starts the server.
         *
         * @return the running server
         */
        public LocalFirehose start() {
            if (streams.isEmpty()) {
                streams.add("local-stream");
            }
            try {
                return new LocalFirehose(this);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while starting LocalFirehose", e);
            }
        }
    }
}
