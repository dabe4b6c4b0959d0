package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.ServerSideEncryptionRequiredException;
import io.securefirehose.internal.aws.ServiceEndpoints;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The validated, immutable settings of one {@link SecureFirehoseProducer}. Built only by
 * {@link SecureFirehoseProducer.Builder}; {@code docs/producer.md} explains each setting and its default.
 *
 * <p>Thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class ProducerConfig {

    private final String deliveryStreamName;
    private final Region region;
    private final @Nullable URI endpoint;
    private final @Nullable String vpcEndpointId;
    private final AwsCredentialsProvider credentialsProvider;
    private final io.securefirehose.credentials.@Nullable WebIdentity webIdentity;
    private final TrustMaterial trustMaterial;
    private final TlsPolicy tlsPolicy;
    private final @Nullable List<CidrRange> allowedCidrs;
    private final HostResolver hostResolver;
    private final @Nullable AssumeRole assumeRole;
    private final Duration linger;
    private final int maxBatchRecords;
    private final int maxBatchBytes;
    private final long maxBufferedBytes;
    private final Duration maxBlock;
    private final int maxInFlightRequests;
    private final Duration deliveryTimeout;
    private final Duration requestTimeout;
    private final Duration retryBackoff;
    private final Duration retryBackoffMax;
    private final @Nullable EnvelopeEncryption encryption;
    private final boolean requireServerSideEncryption;
    private final @Nullable Coalescing coalescing;
    private final RequestPath requestPath;
    private final boolean rateControl;
    private final @Nullable Spill spill;

    ProducerConfig(
            String deliveryStreamName,
            Region region,
            @Nullable URI endpoint,
            @Nullable String vpcEndpointId,
            AwsCredentialsProvider credentialsProvider,
            io.securefirehose.credentials.@Nullable WebIdentity webIdentity,
            TrustMaterial trustMaterial,
            TlsPolicy tlsPolicy,
            @Nullable List<CidrRange> allowedCidrs,
            HostResolver hostResolver,
            @Nullable AssumeRole assumeRole,
            Duration linger,
            int maxBatchRecords,
            int maxBatchBytes,
            long maxBufferedBytes,
            Duration maxBlock,
            int maxInFlightRequests,
            Duration deliveryTimeout,
            Duration requestTimeout,
            Duration retryBackoff,
            Duration retryBackoffMax,
            @Nullable EnvelopeEncryption encryption,
            boolean requireServerSideEncryption,
            @Nullable Coalescing coalescing,
            RequestPath requestPath,
            boolean rateControl,
            @Nullable Spill spill) {
        this.deliveryStreamName = deliveryStreamName;
        this.region = region;
        this.endpoint = endpoint;
        this.vpcEndpointId = vpcEndpointId;
        this.credentialsProvider = credentialsProvider;
        this.webIdentity = webIdentity;
        this.trustMaterial = trustMaterial;
        this.tlsPolicy = tlsPolicy;
        this.allowedCidrs = allowedCidrs == null ? null : List.copyOf(allowedCidrs);
        this.hostResolver = hostResolver;
        this.assumeRole = assumeRole;
        this.linger = linger;
        this.maxBatchRecords = maxBatchRecords;
        this.maxBatchBytes = maxBatchBytes;
        this.maxBufferedBytes = maxBufferedBytes;
        this.maxBlock = maxBlock;
        this.maxInFlightRequests = maxInFlightRequests;
        this.deliveryTimeout = deliveryTimeout;
        this.requestTimeout = requestTimeout;
        this.retryBackoff = retryBackoff;
        this.retryBackoffMax = retryBackoffMax;
        this.encryption = encryption;
        this.requireServerSideEncryption = requireServerSideEncryption;
        this.coalescing = coalescing;
        this.requestPath = requestPath;
        this.rateControl = rateControl;
        this.spill = spill;
    }

    /** @return name of the delivery stream records go to */
    public String deliveryStreamName() {
        return deliveryStreamName;
    }

    /** @return AWS region of the stream; requests are signed for it */
    public Region region() {
        return region;
    }

    /** @return the HTTPS endpoint override, or {@code null} for the region's standard endpoint */
    public @Nullable URI endpoint() {
        return endpoint;
    }

    /**
     * The endpoint every Firehose call goes to: {@link #endpoint()} when set, otherwise the region's standard
     * endpoint from the AWS SDK's endpoint rules. The SDK's own endpoint-override sources (environment variables,
     * system properties, the profile file) are never consulted.
     *
     * @return {@code https://host[:port]}
     */
    public URI firehoseEndpoint() {
        return endpoint != null ? endpoint : ServiceEndpoints.firehose(region);
    }

    /** @return where request-signing credentials come from */
    public AwsCredentialsProvider credentialsProvider() {
        return credentialsProvider;
    }

    /** @return the certificate authorities trusted for TLS */
    public TrustMaterial trustMaterial() {
        return trustMaterial;
    }

    /** @return the TLS versions and cipher suites connections may use */
    public TlsPolicy tlsPolicy() {
        return tlsPolicy;
    }

    /**
     * The ranges the endpoint's addresses must lie in, or {@code null} when addresses are not verified (the public
     * regional endpoint). When set, the endpoint is resolved at build, verified, and connections are pinned to the
     * verified addresses.
     *
     * @return the allowed ranges, or {@code null}
     */
    public @Nullable List<CidrRange> allowedCidrs() {
        return allowedCidrs;
    }

    /** @return the role assumed through STS, or {@code null} to sign with the base credentials directly */
    public @Nullable AssumeRole assumeRole() {
        return assumeRole;
    }

    /**
     * The id of the Firehose VPC interface endpoint the calls go through: read from a {@code vpce-...} endpoint
     * name, or given with {@code privateDns(id)}. With {@code assumeRole}, the session policy then requires
     * {@code aws:SourceVpce} to be it.
     *
     * @return the endpoint id, or {@code null} when not known
     */
    public @Nullable String vpcEndpointId() {
        return vpcEndpointId;
    }

    /**
     * @return the web identity the producer exchanges for its base credentials through its own STS client, or
     *     {@code null} when {@link #credentialsProvider()} supplies them
     */
    public io.securefirehose.credentials.@Nullable WebIdentity webIdentity() {
        return webIdentity;
    }

    /** @return how the endpoint's host name is resolved at build time */
    public HostResolver hostResolver() {
        return hostResolver;
    }

    /** @return how long a batch that is not full may wait for more records */
    public Duration linger() {
        return linger;
    }

    /** @return most records per {@code PutRecordBatch} call */
    public int maxBatchRecords() {
        return maxBatchRecords;
    }

    /** @return most record bytes (before base64) per {@code PutRecordBatch} call */
    public int maxBatchBytes() {
        return maxBatchBytes;
    }

    /** @return buffer size: bytes of accepted, not yet completed records (plus 64 bytes each) */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }

    /** @return how long {@code send} may wait for buffer space */
    public Duration maxBlock() {
        return maxBlock;
    }

    /** @return most {@code PutRecordBatch} calls under way at once */
    public int maxInFlightRequests() {
        return maxInFlightRequests;
    }

    /** @return bound on the time from {@code send} to the record's future completing, retries included */
    public Duration deliveryTimeout() {
        return deliveryTimeout;
    }

    /** @return bound on one {@code PutRecordBatch} call */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** @return backoff before the first retry; it doubles with each attempt */
    public Duration retryBackoff() {
        return retryBackoff;
    }

    /** @return largest backoff between attempts (before jitter) */
    public Duration retryBackoffMax() {
        return retryBackoffMax;
    }

    /**
     * Client-side envelope encryption, bound to this stream (its context names the stream's ARN), or {@code null}
     * when records are sent as given.
     *
     * @return the encryption settings, or {@code null}
     */
    public @Nullable EnvelopeEncryption encryption() {
        return encryption;
    }

    /**
     * Whether records whose call Firehose answered with {@code Encrypted=false} fail with
     * {@link ServerSideEncryptionRequiredException} instead of completing.
     *
     * @return whether the stream's server-side encryption is required
     */
    public boolean requireServerSideEncryption() {
        return requireServerSideEncryption;
    }

    /**
     * How small records are packed into one Firehose record, or {@code null} when each record is sent as is.
     *
     * @return the coalescing settings, or {@code null}
     */
    public @Nullable Coalescing coalescing() {
        return coalescing;
    }

    /**
     * How batches become {@code PutRecordBatch} calls.
     *
     * @return the request path
     */
    public RequestPath requestPath() {
        return requestPath;
    }

    /**
     * Whether the send rate adapts to Firehose's throttling (additive increase, multiplicative decrease).
     *
     * @return whether adaptive rate control is on
     */
    public boolean rateControl() {
        return rateControl;
    }

    /**
     * Spill to disk for long outages, off unless set.
     *
     * @return the spill settings, or {@code null} when records that time out fail instead
     */
    public @Nullable Spill spill() {
        return spill;
    }

    @Override
    public String toString() {
        return "ProducerConfig{stream="
                + deliveryStreamName
                + ", region="
                + region
                + ", endpoint="
                + endpoint
                + ", trust="
                + trustMaterial
                + ", tls="
                + tlsPolicy
                + ", allowedCidrs="
                + allowedCidrs
                + ", linger="
                + linger
                + ", maxBatchRecords="
                + maxBatchRecords
                + ", maxBatchBytes="
                + maxBatchBytes
                + ", maxBufferedBytes="
                + maxBufferedBytes
                + ", maxBlock="
                + maxBlock
                + ", maxInFlightRequests="
                + maxInFlightRequests
                + ", deliveryTimeout="
                + deliveryTimeout
                + ", requestTimeout="
                + requestTimeout
                + ", retryBackoff="
                + retryBackoff
                + ".."
                + retryBackoffMax
                + ", encryption="
                + (encryption == null ? "off" : "kms:" + encryption.kmsKeyId())
                + ", requireServerSideEncryption="
                + requireServerSideEncryption
                + ", coalescing="
                + (coalescing == null ? "off" : coalescing)
                + ", requestPath="
                + requestPath
                + ", rateControl="
                + rateControl
                + ", spill="
                + spill
                + "}";
    }
}
