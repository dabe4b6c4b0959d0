package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.DeliveryTimeoutException;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.errors.RecordTooLargeException;
import io.securefirehose.errors.ServerSideEncryptionRequiredException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.internal.producer.ProducerCore;
import io.securefirehose.metrics.ProducerMetrics;
import io.securefirehose.time.TaskScheduler;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Sends records to one Amazon Kinesis Data Firehose delivery stream with {@code PutRecordBatch}: batched within
 * Firehose's limits, in bounded memory, retrying only the records that failed, over HTTPS with verified
 * certificates.
 *
 * <pre>{@code
 * try (SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
 *         .deliveryStream("orders")
 *         .region(Region.EU_WEST_1)
 *         .build()) {
 *     producer.send("{\"id\":1}\n".getBytes(UTF_8))
 *             .whenComplete((receipt, error) -> { ... });
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Every future returned by {@code send} completes: with a {@link RecordReceipt} once Firehose acknowledged
 *       the record, or exceptionally with a {@link FirehoseSecureException}: {@link DeliveryFailedException}
 *       (a non-retriable Firehose error, with its code), {@link DeliveryTimeoutException} (not acknowledged
 *       within {@code deliveryTimeout}) or {@link ProducerClosedException}. With {@link Builder#spill(Spill)} on,
 *       the records that would fail with the last two complete instead with a spilled receipt
 *       ({@link RecordReceipt#spilled()}) once they are on disk, and are replayed from there.
 *   <li>A call never carries more than 500 records or 4 MiB; records over 1,024,000 bytes are refused by
 *       {@code send} with {@link RecordTooLargeException}.
 *   <li>When Firehose reports some records of a call as failed, only those are sent again, after an
 *       exponential backoff with jitter. Whole-call failures that may pass (throttling, HTTP 5xx, connection
 *       errors, timeouts) are retried the same way; the others fail the call's records at once.
 *   <li>Delivery is at least once: a retried record may be stored twice if Firehose stored it but the response
 *       was lost.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * <p>All methods are thread-safe. {@code send} runs on the caller's thread and does no I/O; it blocks only while
 * the buffer is full (up to {@code maxBlock}). Futures complete on the producer's single scheduler thread
 * ({@code firehose-secure-sender-<stream>}), so callbacks attached without an executor run there: keep them
 * short and never block in them. With spill on, segment writes and replay reads run on that thread too, never on
 * the caller's. From such a callback, {@code send} does not wait for buffer space (it throws
 * {@link BufferExhaustedException} instead) and {@code flush} throws {@link IllegalStateException}.
 */
@API(status = STABLE, since = "0.1.0")
public final class SecureFirehoseProducer implements AutoCloseable {

    private final ProducerCore core;

    private SecureFirehoseProducer(ProducerCore core) {
        this.core = core;
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the documented defaults
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sends a record, waiting up to {@code maxBlock} for buffer space. The caller may reuse the array at once: the
     * producer reads it before this returns (a record of up to 12 KiB into its pooled buffer, or packed, or sealed
     * with a data key that is ready), or copies it.
     *
     * @param record the record's bytes, at most 1,024,000
     * @return completes with a receipt when Firehose acknowledged the record, or with the reason it was not
     * @throws NullPointerException if {@code record} is null
     * @throws RecordTooLargeException if the record exceeds Firehose's record size limit
     * @throws BufferExhaustedException if no buffer space freed up within {@code maxBlock}
     * @throws IllegalStateException if the producer was closed
     */
    public CompletableFuture<RecordReceipt> send(byte[] record) {
        return core.send(record, true);
    }

    /**
     * Sends the remaining bytes of a buffer, waiting up to {@code maxBlock} for buffer space. The bytes are copied;
     * the buffer's position and limit are not changed.
     *
     * @param record the record's bytes, between position and limit
     * @return completes with a receipt when Firehose acknowledged the record, or with the reason it was not
     * @throws NullPointerException if {@code record} is null
     * @throws RecordTooLargeException if the record exceeds Firehose's record size limit
     * @throws BufferExhaustedException if no buffer space freed up within {@code maxBlock}
     * @throws IllegalStateException if the producer was closed
     */
    public CompletableFuture<RecordReceipt> send(ByteBuffer record) {
        return core.send(copyOf(record));
    }

    /**
     * Sends a record only if buffer space is free now; never blocks.
     *
     * @param record the record's bytes, at most 1,024,000; the caller may reuse the array at once
     * @return the record's future, or empty if the buffer is full (the record was not accepted)
     * @throws NullPointerException if {@code record} is null
     * @throws RecordTooLargeException if the record exceeds Firehose's record size limit
     * @throws IllegalStateException if the producer was closed
     */
    public Optional<CompletableFuture<RecordReceipt>> trySend(byte[] record) {
        return Optional.ofNullable(core.trySend(record, true));
    }

    /**
     * Sends every record accepted before this call at once (without waiting for {@code linger}) and blocks until
     * each of their futures has completed, successfully or not. Records sent concurrently with {@code flush} may
     * or may not be included.
     *
     * @throws IllegalStateException if called from a record callback on the producer's thread
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted
     */
    public void flush() {
        core.flush();
    }

    /**
     * Closes the producer, waiting as long as the buffered records may take to deliver ({@code deliveryTimeout}
     * plus {@code requestTimeout}). See {@link #close(Duration)}.
     */
    @Override
    public void close() {
        core.close();
    }

    /**
     * Closes the producer: refuses new records at once, sends what is buffered, waits up to {@code timeout} for
     * it, then fails every record still not acknowledged with {@link ProducerClosedException} and releases
     * connections and threads (with spill on, those records are spilled instead, and their futures complete with
     * spilled receipts). No future is left incomplete. Calling it again waits for the first close.
     *
     * @param timeout how long to wait for buffered records; {@link Duration#ZERO} fails them at once
     */
    public void close(Duration timeout) {
        core.close(timeout);
    }

    /**
     * The producer's meters; bind them with {@code producer.metrics().bindTo(registry)}.
     *
     * @return the meter binder of this producer
     */
    public ProducerMetrics metrics() {
        return core.metrics();
    }

    /**
     * The settings this producer was built with.
     *
     * @return the immutable configuration
     */
    public ProducerConfig config() {
        return core.config();
    }

    private byte[] copyOf(ByteBuffer record) {
        Objects.requireNonNull(record, "record must not be null");
        core.checkRecordSize(record.remaining());
        byte[] copy = new byte[record.remaining()];
        record.duplicate().get(copy);
        return copy;
    }

    /**
     * Builds a {@link SecureFirehoseProducer}. Each setter checks its value at once and throws
     * {@link IllegalArgumentException} naming the option, the rule and the value; {@link #build()} checks the
     * rules that tie options together. Not thread-safe; a builder can build several producers.
     */
    public static final class Builder {

        private static final Pattern VPC_ENDPOINT_NAME = Pattern.compile(
                "vpce-[0-9a-z]+-[0-9a-z]+(?:-[a-z0-9-]+)?\\.([a-z0-9-]+)\\.([a-z]{2}(?:-[a-z]+)+-\\d{1,2})\\.vpce"
                        + "\\.amazonaws\\.com");
        private static final Pattern PRIVATE_DNS_NAME =
                Pattern.compile("firehose\\.([a-z]{2}(?:-[a-z]+)+-\\d{1,2})\\.amazonaws\\.com");

        private static final Pattern STREAM_NAME = Pattern.compile("[a-zA-Z0-9_.-]{1,64}");
        private static final Pattern VPC_ENDPOINT_ID = Pattern.compile("vpce-[0-9a-f]{8,17}");

        private @Nullable String deliveryStreamName;
        private @Nullable Region region;
        private @Nullable URI endpoint;
        private @Nullable String vpcEndpointRegion;
        private @Nullable String privateDnsEndpointId;
        private boolean pinAddresses;
        private List<CidrRange> allowedCidrs = CidrRange.PRIVATE_RANGES;
        private HostResolver hostResolver = HostResolver.system();
        private @Nullable AssumeRole assumeRole;
        private @Nullable AwsCredentialsProvider credentialsProvider;
        private io.securefirehose.credentials.@Nullable WebIdentity webIdentity;
        private TrustMaterial trustMaterial = TrustMaterial.systemDefault();
        private TlsPolicy tlsPolicy = TlsPolicy.MODERN;
        private Duration linger = ProducerDefaults.LINGER;
        private int maxBatchRecords = FirehoseLimits.MAX_RECORDS_PER_BATCH;
        private int maxBatchBytes = FirehoseLimits.MAX_BYTES_PER_BATCH;
        private long maxBufferedBytes = ProducerDefaults.MAX_BUFFERED_BYTES;
        private Duration maxBlock = ProducerDefaults.MAX_BLOCK;
        private int maxInFlightRequests = ProducerDefaults.MAX_IN_FLIGHT_REQUESTS;
        private Duration deliveryTimeout = ProducerDefaults.DELIVERY_TIMEOUT;
        private Duration requestTimeout = ProducerDefaults.REQUEST_TIMEOUT;
        private Duration retryBackoff = ProducerDefaults.RETRY_BACKOFF;
        private Duration retryBackoffMax = ProducerDefaults.RETRY_BACKOFF_MAX;
        private @Nullable TaskScheduler scheduler;
        private @Nullable EnvelopeEncryption encryption;
        private boolean requireServerSideEncryption;
        private @Nullable Coalescing coalescing;
        private RequestPath requestPath = RequestPath.LEAN;
        private boolean rateControl = true;
        private @Nullable Spill spill;

        private Builder() {}

        /**
         * The delivery stream to send to. Required.
         *
         * @param name 1 to 64 characters of letters, digits, {@code _ . -}
         * @return this builder
         */
        public Builder deliveryStream(String name) {
            Objects.requireNonNull(name, "deliveryStream must not be null");
            if (!STREAM_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(
                        "deliveryStream must be 1 to 64 characters of letters, digits, '_', '.' or '-', was '" + name
                                + "'");
            }
            this.deliveryStreamName = name;
            return this;
        }

        /**
         * The stream's AWS region; requests are signed for it. Required.
         *
         * @param region the region
         * @return this builder
         */
        public Builder region(Region region) {
            this.region = Objects.requireNonNull(region, "region must not be null");
            return this;
        }

        /**
         * The stream's AWS region by id, for example {@code eu-west-1}. Required.
         *
         * @param regionId the region id
         * @return this builder
         */
        public Builder region(String regionId) {
            Objects.requireNonNull(regionId, "region must not be null");
            if (!regionId.matches("[a-z]{2}(-[a-z]+)+-\\d{1,2}")) {
                throw new IllegalArgumentException(
                        "region must be an AWS region id such as 'eu-west-1', was '" + regionId + "'");
            }
            return region(Region.of(regionId));
        }

        /**
         * Sends through a Firehose VPC interface endpoint (AWS PrivateLink). The name is checked (service
         * {@code firehose}, its region equal to {@link #region}); at {@code build()} it is resolved, every address
         * must lie in the allowed ranges (default: the private ranges, see {@link #allowedCidrs}), and from then on
         * connections go only to those addresses. Requests are still signed for the real region and service.
         *
         * @param dnsName {@code vpce-<id>-<suffix>.firehose.<region>.vpce.amazonaws.com} (an availability-zone
         *     name with {@code -<zone>} after the suffix is accepted), or {@code firehose.<region>.amazonaws.com}
         *     for an endpoint with private DNS
         * @return this builder
         */
        public Builder vpcEndpoint(String dnsName) {
            Objects.requireNonNull(dnsName, "vpcEndpoint must not be null");
            if (endpoint != null && vpcEndpointRegion == null) {
                throw new IllegalStateException(
                        "vpcEndpoint conflicts with endpoint(" + endpoint + "): set one of them");
            }
            String name = dnsName.toLowerCase(Locale.ROOT);
            java.util.regex.Matcher vpce = VPC_ENDPOINT_NAME.matcher(name);
            java.util.regex.Matcher privateDns = PRIVATE_DNS_NAME.matcher(name);
            if (vpce.matches()) {
                if (!"firehose".equals(vpce.group(1))) {
                    throw new IllegalArgumentException("vpcEndpoint '" + dnsName + "' is an endpoint of service '"
                            + vpce.group(1) + "', not of firehose");
                }
                this.vpcEndpointRegion = vpce.group(2);
            } else if (privateDns.matches()) {
                this.vpcEndpointRegion = privateDns.group(1);
            } else {
                throw new IllegalArgumentException("vpcEndpoint must be vpce-<id>-<suffix>.firehose.<region>.vpce"
                        + ".amazonaws.com or firehose.<region>.amazonaws.com (private DNS), was '" + dnsName + "'");
            }
            this.endpoint = URI.create("https://" + name);
            this.pinAddresses = true;
            return this;
        }

        /**
         * Sends to the region's standard name, which private DNS of a VPC interface endpoint points at the
         * endpoint's private addresses; like {@link #vpcEndpoint}, the addresses are verified and pinned at
         * {@code build()}.
         *
         * @return this builder
         */
        public Builder privateDns() {
            if (endpoint != null) {
                throw new IllegalStateException(
                        "privateDns conflicts with the endpoint " + endpoint + ": set one of them");
            }
            this.vpcEndpointRegion = null;
            this.privateDnsEndpointId = null;
            this.pinAddresses = true;
            return this;
        }

        /**
         * Like {@link #privateDns()}, naming the VPC endpoint that private DNS points at. Its id is not in the name,
         * so without it an assumed role's session policy cannot require {@code aws:SourceVpce}; with it, it does.
         *
         * @param vpcEndpointId the Firehose VPC endpoint's id, {@code vpce-<hex>}
         * @return this builder
         */
        public Builder privateDns(String vpcEndpointId) {
            Objects.requireNonNull(vpcEndpointId, "privateDns vpcEndpointId must not be null");
            if (!VPC_ENDPOINT_ID.matcher(vpcEndpointId).matches()) {
                throw new IllegalArgumentException(
                        "privateDns vpcEndpointId must look like vpce-0123456789abcdef0, was '" + vpcEndpointId + "'");
            }
            privateDns();
            this.privateDnsEndpointId = vpcEndpointId;
            return this;
        }

        /**
         * The ranges the endpoint's addresses must lie in; replaces the default private ranges (10.0.0.0/8,
         * 172.16.0.0/12, 192.168.0.0/16, fc00::/7), for example with the VPC's own CIDRs. Turns on resolution,
         * verification and pinning for any endpoint. Loopback is not private: a local test endpoint needs
         * {@code 127.0.0.0/8} here.
         *
         * @param cidrs ranges such as {@code 10.1.0.0/16}
         * @return this builder
         */
        public Builder allowedCidrs(String... cidrs) {
            this.allowedCidrs = CidrRange.parseAll(cidrs);
            this.pinAddresses = true;
            return this;
        }

        /**
         * How the endpoint's name is resolved at {@code build()} for verification and pinning. Default: the JVM's
         * resolver.
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder hostResolver(HostResolver resolver) {
            this.hostResolver = Objects.requireNonNull(resolver, "hostResolver must not be null");
            return this;
        }

        /**
         * Sends to this HTTPS endpoint instead of the region's standard one (for example a local test endpoint).
         * Plain {@code http://} is refused: records always travel over TLS.
         *
         * @param endpoint an absolute {@code https://host[:port]} URI without path, query or user info
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint must not be null");
            if (vpcEndpointRegion != null) {
                throw new IllegalStateException(
                        "endpoint conflicts with vpcEndpoint " + this.endpoint + ": set one of them");
            }
            String scheme =
                    endpoint.getScheme() == null ? "" : endpoint.getScheme().toLowerCase(Locale.ROOT);
            if (!"https".equals(scheme)) {
                throw new IllegalArgumentException(
                        "endpoint must use https:// so that records travel over TLS, was '" + endpoint + "'");
            }
            if (endpoint.getHost() == null
                    || endpoint.getRawUserInfo() != null
                    || endpoint.getRawQuery() != null
                    || endpoint.getRawFragment() != null
                    || !(endpoint.getRawPath() == null
                            || endpoint.getRawPath().isEmpty()
                            || "/".equals(endpoint.getRawPath()))) {
                throw new IllegalArgumentException(
                        "endpoint must be https://host[:port] with no user info, path, query or fragment, was '"
                                + endpoint + "'");
            }
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Where request-signing credentials come from. Default: a web identity from the environment when
         * {@code AWS_ROLE_ARN} and {@code AWS_WEB_IDENTITY_TOKEN_FILE} (or {@code aws.roleArn} and
         * {@code aws.webIdentityTokenFile}) are set, exchanged by this SDK's own STS client (see
         * {@link #webIdentity}); otherwise the AWS SDK's default provider chain. Not together with
         * {@link #webIdentity}.
         *
         * @param provider the credentials provider
         * @return this builder
         */
        public Builder credentialsProvider(AwsCredentialsProvider provider) {
            this.credentialsProvider = Objects.requireNonNull(provider, "credentialsProvider must not be null");
            return this;
        }

        /**
         * Base credentials from a web identity token (EKS service accounts, OIDC), exchanged by this SDK's own STS
         * client under the producer's TLS policy, trust material and address rules, and refreshed in the
         * background. Without this and without {@link #credentialsProvider}, the producer uses
         * {@link io.securefirehose.credentials.WebIdentity#fromEnvironment()} when {@code AWS_ROLE_ARN} and
         * {@code AWS_WEB_IDENTITY_TOKEN_FILE} are set, and the AWS SDK's default chain otherwise.
         *
         * @param identity the role and token file
         * @return this builder
         */
        public Builder webIdentity(io.securefirehose.credentials.WebIdentity identity) {
            this.webIdentity = Objects.requireNonNull(identity, "webIdentity must not be null");
            return this;
        }

        /**
         * Which certificate authorities to trust. Default: the JDK's trust store. Certificate and host name
         * verification are always on, whatever is chosen here.
         *
         * @param trust the trusted authorities
         * @return this builder
         */
        public Builder trustMaterial(TrustMaterial trust) {
            this.trustMaterial = Objects.requireNonNull(trust, "trustMaterial must not be null");
            return this;
        }

        /**
         * Signs with the credentials of an IAM role assumed through STS, narrowed by a generated session policy to
         * {@code PutRecord}/{@code PutRecordBatch} on exactly this stream (in the role's account). The
         * {@link #credentialsProvider} supplies the credentials that call STS. Refreshed in the background ahead of
         * expiry; see {@code docs/iam.md}.
         *
         * @param role the role and session settings
         * @return this builder
         */
        public Builder assumeRole(AssumeRole role) {
            this.assumeRole = Objects.requireNonNull(role, "assumeRole must not be null");
            return this;
        }

        /**
         * Which TLS versions and cipher suites connections may use. Default {@link TlsPolicy#MODERN}: TLS 1.3, and
         * TLS 1.2 with ECDHE and AEAD ciphers only. Checked during every handshake, before any request byte is
         * sent; a connection that breaks it fails the records with {@link TlsPolicyViolationException}.
         *
         * @param policy the policy; custom policies can only narrow the presets
         * @return this builder
         */
        public Builder tlsPolicy(TlsPolicy policy) {
            this.tlsPolicy = Objects.requireNonNull(policy, "tlsPolicy must not be null");
            return this;
        }

        /**
         * How long a batch that is not full waits for more records before it is sent. Default 5 ms. Larger values
         * make fuller batches (fewer calls, lower cost) at the price of latency.
         *
         * @param linger zero or more
         * @return this builder
         */
        public Builder linger(Duration linger) {
            this.linger = nonNegative("linger", linger);
            return this;
        }

        /**
         * Most records per call. Default and maximum 500 (Firehose's limit).
         *
         * @param records 1 to 500
         * @return this builder
         */
        public Builder maxBatchRecords(int records) {
            if (records < 1 || records > FirehoseLimits.MAX_RECORDS_PER_BATCH) {
                throw new IllegalArgumentException("maxBatchRecords must be between 1 and "
                        + FirehoseLimits.MAX_RECORDS_PER_BATCH + " (Firehose's PutRecordBatch limit), was " + records);
            }
            this.maxBatchRecords = records;
            return this;
        }

        /**
         * Most record bytes (before base64) per call. Default and maximum 4,194,304 (Firehose's 4 MiB limit); at
         * least 1,024,000 so that any valid record fits.
         *
         * @param bytes 1,024,000 to 4,194,304
         * @return this builder
         */
        public Builder maxBatchBytes(int bytes) {
            if (bytes < FirehoseLimits.MAX_RECORD_BYTES || bytes > FirehoseLimits.MAX_BYTES_PER_BATCH) {
                throw new IllegalArgumentException("maxBatchBytes must be between " + FirehoseLimits.MAX_RECORD_BYTES
                        + " (one largest record) and " + FirehoseLimits.MAX_BYTES_PER_BATCH
                        + " (Firehose's 4 MiB limit), was " + bytes);
            }
            this.maxBatchBytes = bytes;
            return this;
        }

        /**
         * Buffer size: the bytes of records accepted but not yet completed, each counted with 64 bytes of overhead.
         * When full, {@code send} blocks up to {@code maxBlock}. Default 32 MiB.
         *
         * @param bytes at least 1,024,064 (one largest record)
         * @return this builder
         */
        public Builder maxBufferedBytes(long bytes) {
            long minimum = (long) FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
            if (bytes < minimum) {
                throw new IllegalArgumentException("maxBufferedBytes must be at least " + minimum
                        + " (one largest record plus overhead), was " + bytes);
            }
            this.maxBufferedBytes = bytes;
            return this;
        }

        /**
         * How long {@code send} waits for buffer space before it throws {@link BufferExhaustedException}. Default
         * 60 s; zero never waits.
         *
         * @param maxBlock zero or more
         * @return this builder
         */
        public Builder maxBlock(Duration maxBlock) {
            this.maxBlock = nonNegative("maxBlock", maxBlock);
            return this;
        }

        /**
         * Most {@code PutRecordBatch} calls under way at once (also the connection pool size). Default 5.
         *
         * @param requests 1 to 1000
         * @return this builder
         */
        public Builder maxInFlightRequests(int requests) {
            if (requests < 1 || requests > 1000) {
                throw new IllegalArgumentException("maxInFlightRequests must be between 1 and 1000, was " + requests);
            }
            this.maxInFlightRequests = requests;
            return this;
        }

        /**
         * Upper bound on the time from {@code send} to the record's future completing, retries included. Default
         * 120 s. Must be at least {@code linger + requestTimeout}.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public Builder deliveryTimeout(Duration timeout) {
            this.deliveryTimeout = positive("deliveryTimeout", timeout);
            return this;
        }

        /**
         * Bound on one {@code PutRecordBatch} call; a call that takes longer fails and its records are retried.
         * Default 30 s.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive("requestTimeout", timeout);
            return this;
        }

        /**
         * Backoff between attempts: {@code initial} before the first retry, doubling with each attempt up to
         * {@code max}, each delay spread by a random factor in [0.5, 1.5]. Default 100 ms to 5 s.
         *
         * @param initial first delay, more than zero
         * @param max largest delay, at least {@code initial}
         * @return this builder
         */
        public Builder retryBackoff(Duration initial, Duration max) {
            positive("retryBackoff", initial);
            positive("retryBackoffMax", max);
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException(
                        "retryBackoffMax (" + max + ") must be at least retryBackoff (" + initial + ")");
            }
            this.retryBackoff = initial;
            this.retryBackoffMax = max;
            return this;
        }

        /**
         * Encrypts every record on the client with a KMS data key before it is buffered (AES-256-GCM, see
         * {@code docs/envelope-format.md}). Fails closed: a record that cannot be encrypted is never sent; its
         * future fails with {@link EncryptionFailedException}. Records must then fit into
         * {@link EnvelopeEncryption#maxPlaintextBytes()} (Firehose's limit less the frame).
         *
         * <p>The KMS client follows the producer's TLS policy and trust material, and signs with the producer's
         * credentials (the assumed role's, whose session policy then also allows {@code kms:GenerateDataKey} on
         * the key, for this stream's encryption context only; the key must then be given as a key ARN).
         *
         * @param encryption the KMS key and data-key limits
         * @return this builder
         */
        public Builder envelopeEncryption(EnvelopeEncryption encryption) {
            this.encryption = Objects.requireNonNull(encryption, "envelopeEncryption must not be null");
            return this;
        }

        /**
         * Packs many small records into one Firehose record (newline-delimited or length-prefixed), because Firehose
         * bills each record rounded up to 5 KB. Each record keeps its own future; records packed together share
         * the {@code RecordId}. Read them back with {@link CoalescedRecords} (or an {@code EnvelopeDecryptor} built
         * with the same framing). Default off.
         *
         * @param coalescing the framing and the largest packed record
         * @return this builder
         */
        public Builder coalescing(Coalescing coalescing) {
            this.coalescing = Objects.requireNonNull(coalescing, "coalescing must not be null");
            return this;
        }

        /**
         * Chooses how batches become {@code PutRecordBatch} calls: {@link RequestPath#LEAN} (the default) writes the
         * request itself at a fraction of the SDK client's CPU and allocation, {@link RequestPath#SDK_CLIENT} uses
         * the AWS SDK's {@code FirehoseAsyncClient}. Security rules, retries and outcomes are the same on both.
         *
         * @param path the request path
         * @return this builder
         */
        public Builder requestPath(RequestPath path) {
            this.requestPath = Objects.requireNonNull(path, "requestPath must not be null");
            return this;
        }

        /**
         * Adapts the send rate to the stream's quota (default on): once Firehose throttles, calls are paced at a
         * limit in bytes per second that drops to 85 % of the goodput it measured and climbs back slowly until the
         * next throttle, so that goodput stays near the quota without a storm of resent calls. Off, the producer
         * sends as fast as {@code maxInFlightRequests} allows and relies on retries alone. The current limit is
         * the {@code firehose.producer.send.rate.limit} gauge.
         *
         * @param enabled whether to adapt the send rate
         * @return this builder
         */
        public Builder rateControl(boolean enabled) {
            this.rateControl = enabled;
            return this;
        }

        /**
         * Spills records to a local directory instead of failing them when an outage outlasts {@code deliveryTimeout}
         * (or {@code close} gives up on them); their futures complete with a receipt whose
         * {@link RecordReceipt#spilled()} is {@code true}, and the producer replays them once Firehose answers
         * again or at its next start. Default off. See {@link Spill} for the guarantees.
         *
         * @param spill the directory and its bound
         * @return this builder
         */
        public Builder spill(Spill spill) {
            this.spill = Objects.requireNonNull(spill, "spill must not be null");
            return this;
        }

        /**
         * Requires the stream's server-side encryption: when Firehose answers a call with {@code Encrypted=false},
         * the call's records fail with {@link ServerSideEncryptionRequiredException} (Firehose stored them, but
         * without encryption at rest) instead of completing. Default off. See {@code docs/security.md} for the
         * posture check that finds this before records are sent.
         *
         * @param required whether to require it
         * @return this builder
         */
        public Builder requireServerSideEncryption(boolean required) {
            this.requireServerSideEncryption = required;
            return this;
        }

        /**
         * Runs the producer's timers and callbacks on this scheduler instead of a thread of its own. Meant for tests
         * that move time by hand. The producer does not shut down a scheduler given here.
         *
         * @param scheduler the scheduler
         * @return this builder
         */
        public Builder scheduler(TaskScheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /**
         * Checks the settings together and starts the producer.
         *
         * @return a started producer
         * @throws IllegalStateException if a required option is missing or options conflict
         */
        public SecureFirehoseProducer build() {
            return new SecureFirehoseProducer(ProducerCore.create(buildConfig(), scheduler));
        }

        /**
         * Checks the settings together and returns them, without starting anything.
         *
         * @return the validated configuration
         * @throws IllegalStateException if a required option is missing or options conflict
         */
        public ProducerConfig buildConfig() {
            if (deliveryStreamName == null) {
                throw new IllegalStateException("deliveryStream is required: the name of the Firehose delivery stream");
            }
            if (region == null) {
                throw new IllegalStateException("region is required: the AWS region of the delivery stream");
            }
            if (assumeRole != null
                    && assumeRole.stsVpcEndpointRegion() != null
                    && !region.id().equals(assumeRole.stsVpcEndpointRegion())) {
                throw new IllegalStateException("the STS VPC endpoint is in region " + assumeRole.stsVpcEndpointRegion()
                        + " but the producer's region is " + region.id() + ": use the STS endpoint of that region");
            }
            if (vpcEndpointRegion != null && !vpcEndpointRegion.equals(region.id())) {
                throw new IllegalStateException("vpcEndpoint is in region " + vpcEndpointRegion
                        + " but the producer signs for region " + region.id() + ": use the endpoint of the stream's"
                        + " region");
            }
            URI target = endpoint;
            if (pinAddresses && target == null) {
                target = URI.create("https://firehose." + region.id() + ".amazonaws.com");
            }
            if (deliveryTimeout.compareTo(linger.plus(requestTimeout)) < 0) {
                throw new IllegalStateException("deliveryTimeout (" + deliveryTimeout + ") must be at least linger ("
                        + linger + ") + requestTimeout (" + requestTimeout
                        + "), or records could time out before their first call ends");
            }
            if (spill != null && encryption == null && !spill.plaintextAllowed()) {
                throw new IllegalStateException("spill writes records to " + spill.directory() + " exactly as they"
                        + " would be sent, and without envelopeEncryption(...) that is plaintext at rest: configure"
                        + " envelope encryption, or accept plaintext with Spill.toDirectory(dir).allowPlaintext()");
            }
            EnvelopeEncryption boundEncryption = encryption == null ? null : bindEncryption(encryption, region);
            if (credentialsProvider != null && webIdentity != null) {
                throw new IllegalStateException(
                        "credentialsProvider and webIdentity both supply the base" + " credentials: set one of them");
            }
            io.securefirehose.credentials.WebIdentity identity = webIdentity;
            if (identity == null && credentialsProvider == null) {
                // As the SDK's default chain would, but through this SDK's own STS client, under the policy.
                identity = io.securefirehose.credentials.WebIdentity.fromEnvironment()
                        .orElse(null);
            }
            AwsCredentialsProvider credentials = credentialsProvider != null
                    ? credentialsProvider
                    : DefaultCredentialsProvider.builder().build();
            String vpcEndpointId = privateDnsEndpointId != null
                    ? privateDnsEndpointId
                    : target == null ? null : LeastPrivilegePolicies.vpcEndpointIdOf(target.getHost());
            return new ProducerConfig(
                    deliveryStreamName,
                    region,
                    target,
                    vpcEndpointId,
                    credentials,
                    identity,
                    trustMaterial,
                    tlsPolicy,
                    pinAddresses ? allowedCidrs : null,
                    hostResolver,
                    assumeRole,
                    linger,
                    maxBatchRecords,
                    maxBatchBytes,
                    maxBufferedBytes,
                    maxBlock,
                    maxInFlightRequests,
                    deliveryTimeout,
                    requestTimeout,
                    retryBackoff,
                    retryBackoffMax,
                    boundEncryption,
                    requireServerSideEncryption,
                    coalescing,
                    requestPath,
                    rateControl,
                    spill);
        }

        /** Binds the encryption context to this stream and checks it against the role's session policy. */
        private EnvelopeEncryption bindEncryption(EnvelopeEncryption settings, Region region) {
            String stream = Objects.requireNonNull(deliveryStreamName);
            String partition =
                    region.id().startsWith("cn-") ? "aws-cn" : region.id().startsWith("us-gov-") ? "aws-us-gov" : "aws";
            EnvelopeEncryption bound = assumeRole == null
                    ? settings.forStream(stream, region.id(), null, partition)
                    : settings.forStream(stream, region.id(), assumeRole.account(), assumeRole.partition());
            if (settings.kmsVpcEndpointRegion() != null && !region.id().equals(settings.kmsVpcEndpointRegion())) {
                throw new IllegalStateException("the KMS VPC endpoint is in region " + settings.kmsVpcEndpointRegion()
                        + " but the producer's region is " + region.id() + ": use the KMS endpoint of that region");
            }
            if (assumeRole != null) {
                if (!settings.kmsKeyIsArn()) {
                    throw new IllegalStateException("with assumeRole the KMS key must be a key ARN"
                            + " (arn:aws:kms:<region>:<account>:key/<id>), so that the session policy can allow"
                            + " GenerateDataKey on exactly that key; was '" + settings.kmsKeyId() + "'");
                }
                String roleStream = "arn:" + assumeRole.partition() + ":firehose:" + region.id() + ":"
                        + assumeRole.account() + ":deliverystream/" + stream;
                if (!roleStream.equals(bound.streamArn())) {
                    throw new IllegalStateException("the encryption streamArn " + bound.streamArn() + " is not the"
                            + " stream the role's session policy allows (" + roleStream + "): leave streamArn unset"
                            + " or use the role's account");
                }
            }
            return bound;
        }

        private static Duration nonNegative(String option, Duration value) {
            Objects.requireNonNull(value, option + " must not be null");
            if (value.isNegative()) {
                throw new IllegalArgumentException(option + " must not be negative, was " + value);
            }
            return value;
        }

        private static Duration positive(String option, Duration value) {
            Objects.requireNonNull(value, option + " must not be null");
            if (value.isNegative() || value.isZero()) {
                throw new IllegalArgumentException(option + " must be more than zero, was " + value);
            }
            return value;
        }
    }
}
