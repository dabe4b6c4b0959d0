package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.testkit.internal.FirehoseHandler;
import io.securefirehose.testkit.internal.GeneratedCertificates;
import io.securefirehose.testkit.internal.HttpsServer;
import io.securefirehose.testkit.internal.LocalKms;
import io.securefirehose.testkit.internal.LocalStream;
import io.securefirehose.testkit.internal.LocalSts;
import io.securefirehose.testkit.internal.S3StyleWriter;
import io.securefirehose.testkit.internal.ServerState;
import io.securefirehose.testkit.internal.SigV4Verifier;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
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
 *   <li>The same endpoint answers STS {@code AssumeRole} for configured roles ({@link LocalFirehoseBuilder#role}) and KMS
 *       {@code GenerateDataKey} / {@code Decrypt} for configured master keys ({@link LocalFirehoseBuilder#kmsKey}), each signed
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

    static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");

    private final LocalFirehoseBuilder settings;
    private final GeneratedCertificates certificates;
    private final AwsBasicCredentials defaultCredentials;
    private final ServerState state;
    private final FirehoseHandler handler;
    private final HttpsServer server;

    LocalFirehose(LocalFirehoseBuilder settings) throws InterruptedException {
        this.settings = settings;
        this.defaultCredentials = settings.credentials.isEmpty()
                ? AwsBasicCredentials.create(
                        "AKIALOCAL" + ServerState.randomHex(6).toUpperCase(Locale.ROOT),
                        IssuedSecrets.SECRET_KEY_MARKER + ServerState.randomHex(13))
                : settings.credentials.get(0);
        this.state = new ServerState(
                settings.accountId,
                settings.region,
                settings.sourceVpces,
                settings.clock,
                settings.captureRecords || settings.outputDirectory != null,
                settings.requireSessionCredentials,
                new LocalSts(settings.roles, settings.webIdentityRoles, settings.sessionDuration, settings.clock),
                new LocalKms(settings.kmsKeys, settings.region, settings.accountId),
                settings.faultPlan);
        state.acceptCredentials(defaultCredentials);
        settings.credentials.forEach(state::acceptCredentials);
        for (String stream : settings.streams) {
            addStream(stream);
        }
        this.certificates = GeneratedCertificates.create(
                settings.certificateHostNames,
                settings.certificateHostNames.contains("localhost") ? HttpsServer.loopbackAddresses() : List.of(),
                settings.certificateNotBefore,
                settings.certificateNotAfter,
                settings.certificateKeyAlgorithm);
        // Clients sign with real time; issued sessions expire by the configured (possibly hand-moved) clock.
        SigV4Verifier verifier =
                new SigV4Verifier(state::lookupCredentials, settings.region, Clock.systemUTC(), settings.clock);
        this.handler = new FirehoseHandler(state, verifier, settings.acknowledgeOnly);
        this.server = HttpsServer.start(
                certificates,
                settings.tlsProtocols,
                settings.tlsCipherSuites,
                new InetSocketAddress(settings.bindAddress, settings.port),
                settings.ioThreads,
                state.applicationBytes(),
                handler,
                settings.outputDirectory == null ? null : state::cutOldObjects);
    }

    /** @return a builder with one stream named {@code local-stream} unless streams are added */
    public static LocalFirehoseBuilder builder() {
        return new LocalFirehoseBuilder();
    }

    /**
     * Starts a server with one stream and default settings.
     *
     * @param streamNames the delivery streams to serve
     * @return the started server
     */
    public static LocalFirehose start(String... streamNames) {
        LocalFirehoseBuilder builder = builder();
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
        return server.port();
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
        state.acceptCredentials(credentials);
    }

    /**
     * Stops accepting a pair of credentials.
     *
     * @param accessKeyId the access key id
     */
    public void revokeCredentials(String accessKeyId) {
        state.revokeCredentials(accessKeyId);
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
        LocalStream stream = state.stream(
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
        LocalStream local = state.stream(stream);
        if (local == null) {
            throw new IllegalArgumentException("no stream '" + stream + "'");
        }
        local.quota(quota);
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
        LocalStream local = state.stream(stream);
        if (local == null) {
            throw new IllegalArgumentException("no stream '" + stream + "'");
        }
        local.posture(Objects.requireNonNull(posture, "posture"));
    }

    /**
     * @param name stream name
     * @return the stream's ARN
     */
    public String streamArn(String name) {
        return state.streamArn(name);
    }

    /**
     * Records accepted for one stream, in the order they were accepted.
     *
     * @param stream stream name
     * @return a snapshot (empty if capturing is off)
     */
    public List<CapturedRecord> records(String stream) {
        LocalStream local = state.stream(stream);
        return local == null ? List.of() : local.records();
    }

    /**
     * @param stream stream name
     * @return how many records were accepted for the stream (counted even when capturing is off)
     */
    public long acceptedRecordCount(String stream) {
        LocalStream local = state.stream(stream);
        return local == null ? 0 : local.acceptedRecords();
    }

    /**
     * @param stream stream name
     * @return record bytes accepted for the stream
     */
    public long acceptedBytes(String stream) {
        LocalStream local = state.stream(stream);
        return local == null ? 0 : local.acceptedBytes();
    }

    /**
     * Decrypted bytes received over all connections: zero proves that no request byte arrived, for example when a
     * client refused the TLS handshake.
     *
     * @return application bytes received since start or the last {@link #reset()}
     */
    public long applicationBytesReceived() {
        return state.applicationBytes().total();
    }

    /**
     * TCP connections accepted: zero proves that a client never even connected.
     *
     * @return connections accepted since start or the last {@link #reset()}
     */
    public long connectionsAccepted() {
        return state.applicationBytes().connections();
    }

    /**
     * STS {@code AssumeRole} calls received, in arrival order, with the session policy each one sent.
     *
     * @return the calls since start or the last {@link #reset()}
     */
    public List<CapturedAssumeRole> assumeRoleRequests() {
        return state.sts().calls();
    }

    /**
     * Simulates an STS outage: while off, {@code AssumeRole} answers {@code ServiceUnavailable} (HTTP 503).
     * Credentials already issued stay valid until they expire.
     *
     * @param available whether STS answers normally
     */
    public void stsAvailable(boolean available) {
        state.sts().available(available);
    }

    /**
     * KMS calls received ({@code GenerateDataKey}, {@code Decrypt}), in arrival order.
     *
     * @return the calls since start or the last {@link #reset()}
     */
    public List<CapturedKmsCall> kmsRequests() {
        return state.kms().calls();
    }

    /**
     * KMS calls of one operation that succeeded.
     *
     * @param operation {@code GenerateDataKey} or {@code Decrypt}
     * @return how many were answered with {@code OK} since start or the last {@link #reset()}
     */
    public long kmsCallCount(String operation) {
        return state.kms().calls().stream()
                .filter(call -> call.operation().equals(operation) && "OK".equals(call.outcome()))
                .count();
    }

    /**
     * Simulates a KMS outage: while off, every KMS call answers {@code KMSInternalException} (HTTP 500).
     *
     * @param available whether KMS answers normally
     */
    public void kmsAvailable(boolean available) {
        state.kms().available(available);
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
        state.kms().throttling(fraction);
    }

    /**
     * The ARN of a master key configured with {@link LocalFirehoseBuilder#kmsKey}.
     *
     * @param keyId the key's id
     * @return {@code arn:<partition>:kms:<region>:<account>:key/<keyId>}, in the region's partition
     */
    public String kmsKeyArn(String keyId) {
        return LocalKms.keyArn(settings.region, settings.accountId, keyId);
    }

    /** @return every call received, in arrival order */
    public List<CapturedRequest> requests() {
        return state.requests();
    }

    /**
     * Replaces the random fault plan.
     *
     * @param plan the new plan; {@link FaultPlan#none()} turns random faults off
     */
    public void faults(FaultPlan plan) {
        state.faultPlan(Objects.requireNonNull(plan, "plan"));
    }

    /**
     * Queues faults for the next data calls ({@code PutRecordBatch}, {@code PutRecord}), one per call, in order.
     *
     * @param faults the faults
     */
    public void enqueueFaults(Fault... faults) {
        for (Fault fault : faults) {
            state.enqueueFault(Objects.requireNonNull(fault, "fault"));
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
        state.reset();
        handler.resume();
    }

    /** Writes every stream's buffered records as objects now, whatever their size or age. */
    public void flushDeliveries() {
        state.flushDeliveries();
    }

    /**
     * @param stream stream name
     * @return objects written for the stream, oldest first (empty without an output directory)
     */
    public List<Path> deliveredObjects(String stream) {
        LocalStream local = state.stream(stream);
        S3StyleWriter writer = local == null ? null : local.writer();
        return writer == null ? List.of() : writer.objects();
    }

    /** @return the output directory, if one was set */
    public Optional<Path> outputDirectory() {
        return Optional.ofNullable(settings.outputDirectory);
    }

    /** Stops the server, after writing buffered records as objects. Idempotent. */
    @Override
    public void close() {
        if (server.isClosed()) {
            return;
        }
        handler.resume();
        server.close();
        flushDeliveries();
    }

    /** Cuts objects whose oldest record reached the age threshold (every second anyway); for tests. */
    void cutOldObjects() {
        state.cutOldObjects();
    }

    /** Its read lock is held while a call is served; for tests that hold a call "in progress". */
    ReentrantReadWriteLock callHandling() {
        return state.callHandling();
    }
}
