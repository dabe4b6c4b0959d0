package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.credentials.WebIdentity;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.ServerSideEncryptionRequiredException;
import io.securefirehose.internal.aws.AwsNames;
import io.securefirehose.internal.aws.DualStackSettings;
import io.securefirehose.internal.aws.FipsSettings;
import io.securefirehose.internal.aws.ServiceEndpoints;
import io.securefirehose.records.Coalescing;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The validated, immutable settings of one {@link SecureFirehoseProducer}. Built only by
 * {@link ProducerBuilder}; {@code docs/producer.md} explains each setting and its default.
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
    private final @Nullable WebIdentity webIdentity;
    private final TrustMaterial trustMaterial;
    private final TlsPolicy tlsPolicy;
    private final boolean fipsEnabled;
    private final boolean dualStackEnabled;
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
    private final TlsEngine tlsEngine;
    private final boolean rateControl;
    private final @Nullable Spill spill;

    /** Checks the builder's settings together: {@link ProducerBuilder#buildConfig()} is the only caller. */
    ProducerConfig(ProducerBuilder options) {
        String stream = options.deliveryStreamName;
        Region signingRegion = options.region;
        if (stream == null) {
            throw new IllegalStateException("deliveryStream is required: the name of the Firehose delivery stream");
        }
        if (signingRegion == null) {
            throw new IllegalStateException("region is required: the AWS region of the delivery stream");
        }
        AssumeRole role = options.assumeRole;
        if (role != null) {
            AwsNames.requireSamePartition("assumeRole's role " + role.roleArn(), role.partition(), signingRegion.id());
        }
        if (role != null
                && role.stsVpcEndpointRegion() != null
                && !signingRegion.id().equals(role.stsVpcEndpointRegion())) {
            throw new IllegalStateException("the STS VPC endpoint is in region " + role.stsVpcEndpointRegion()
                    + " but the producer's region is " + signingRegion.id() + ": use the STS endpoint of that region");
        }
        if (options.vpcEndpointRegion != null && !options.vpcEndpointRegion.equals(signingRegion.id())) {
            throw new IllegalStateException("vpcEndpoint is in region " + options.vpcEndpointRegion
                    + " but the producer signs for region " + signingRegion.id() + ": use the endpoint of the stream's"
                    + " region");
        }
        boolean fips = FipsSettings.wanted(options.fipsEnabled);
        boolean dualStack = DualStackSettings.wanted(options.dualStackEnabled);
        URI target = options.endpoint;
        if (options.pinAddresses && target == null) {
            // Private DNS answers the standard name only, never the dual-stack one.
            target = ServiceEndpoints.firehose(signingRegion, fips, false);
        }
        if (options.pinAddresses && target != null && options.connectPortForTests > 0) {
            target = URI.create("https://" + target.getHost() + ":" + options.connectPortForTests);
        }
        if (options.deliveryTimeout.compareTo(options.linger.plus(options.requestTimeout)) < 0) {
            throw new IllegalStateException(
                    "deliveryTimeout (" + options.deliveryTimeout + ") must be at least linger ("
                            + options.linger + ") + requestTimeout (" + options.requestTimeout
                            + "), or records could time out before their first call ends");
        }
        Spill spilling = options.spill;
        EnvelopeEncryption settings = options.encryption;
        if (spilling != null && settings == null && !spilling.plaintextAllowed()) {
            throw new IllegalStateException("spill writes records to " + spilling.directory() + " exactly as they"
                    + " would be sent, and without envelopeEncryption(...) that is plaintext at rest: configure"
                    + " envelope encryption, or accept plaintext with Spill.toDirectory(dir).allowPlaintext()");
        }
        EnvelopeEncryption bound = settings == null ? null : bindEncryption(settings, signingRegion, stream, role);
        if (options.credentialsProvider != null && options.webIdentity != null) {
            throw new IllegalStateException(
                    "credentialsProvider and webIdentity both supply the base credentials: set one of them");
        }
        WebIdentity identity = options.webIdentity;
        if (identity == null && options.credentialsProvider == null) {
            // As the SDK's default chain would, but through this SDK's own STS client, under the policy.
            identity = WebIdentity.fromEnvironment().orElse(null);
        }
        requireDefaultEndpoints(options, signingRegion, fips, dualStack, identity);
        if (identity != null) {
            Matcher identityRole = AwsNames.ROLE_ARN.matcher(identity.roleArn());
            if (identityRole.matches()) {
                AwsNames.requireSamePartition(
                        "webIdentity's role " + identity.roleArn(), identityRole.group(1), signingRegion.id());
            }
        }
        this.deliveryStreamName = stream;
        this.region = signingRegion;
        this.endpoint = target;
        this.vpcEndpointId = options.privateDnsEndpointId != null
                ? options.privateDnsEndpointId
                : target == null ? null : LeastPrivilegePolicies.vpcEndpointIdOf(target.getHost());
        this.credentialsProvider = options.credentialsProvider != null
                ? options.credentialsProvider
                : DefaultCredentialsProvider.builder().build();
        this.webIdentity = identity;
        this.trustMaterial = options.trustMaterial;
        this.fipsEnabled = fips;
        this.dualStackEnabled = dualStack;
        this.tlsPolicy = fips ? FipsSettings.policyFor(options.tlsPolicy, "fipsEnabled") : options.tlsPolicy;
        this.allowedCidrs = options.pinAddresses ? List.copyOf(options.allowedCidrs) : null;
        this.hostResolver = options.hostResolver;
        this.assumeRole = role;
        this.linger = options.linger;
        this.maxBatchRecords = options.maxBatchRecords;
        this.maxBatchBytes = options.maxBatchBytes;
        this.maxBufferedBytes = options.maxBufferedBytes;
        this.maxBlock = options.maxBlock;
        this.maxInFlightRequests = options.maxInFlightRequests;
        this.deliveryTimeout = options.deliveryTimeout;
        this.requestTimeout = options.requestTimeout;
        this.retryBackoff = options.retryBackoff;
        this.retryBackoffMax = options.retryBackoffMax;
        this.encryption = bound;
        this.requireServerSideEncryption = options.requireServerSideEncryption;
        this.coalescing = options.coalescing;
        this.requestPath = options.requestPath;
        this.tlsEngine = options.tlsEngine;
        this.rateControl = options.rateControl;
        this.spill = spilling;
    }

    /**
     * Every service the producer calls at its default endpoint must have one in the variant asked for (FIPS: by the
     * producer, or for STS by the role, for KMS by the encryption; dual-stack), and the TLS policy must allow FIPS
     * wherever FIPS is asked for.
     */
    private static void requireDefaultEndpoints(
            ProducerBuilder options, Region region, boolean fips, boolean dualStack, @Nullable WebIdentity identity) {
        if (options.endpoint == null) {
            ServiceEndpoints.requireDefault(
                    "firehose", region, fips, dualStack && !options.pinAddresses, "fipsEnabled");
        }
        AssumeRole role = options.assumeRole;
        boolean stsFips = fips || (role != null && role.fipsEnabled());
        String stsOption = fips ? "fipsEnabled" : "AssumeRole.Builder.fipsEnabled";
        if (role != null && role.stsEndpoint() == null) {
            ServiceEndpoints.requireDefault("sts", region, stsFips, dualStack, stsOption);
        }
        if (identity != null && identity.stsEndpoint() == null) {
            ServiceEndpoints.requireDefault("sts", region, fips, dualStack, "fipsEnabled");
        }
        EnvelopeEncryption encryption = options.encryption;
        boolean kmsFips = fips || (encryption != null && encryption.fipsEnabled());
        String kmsOption = fips ? "fipsEnabled" : "EnvelopeEncryption.Builder.fipsEnabled";
        if (encryption != null && encryption.kmsEndpoint() == null) {
            ServiceEndpoints.requireDefault("kms", region, kmsFips, dualStack, kmsOption);
        }
        if (!fips && (stsFips || kmsFips)) {
            FipsSettings.policyFor(options.tlsPolicy, stsFips ? stsOption : kmsOption);
        }
    }

    /** Binds the encryption context to this stream and checks it against the role's session policy. */
    private static EnvelopeEncryption bindEncryption(
            EnvelopeEncryption settings, Region region, String stream, @Nullable AssumeRole assumeRole) {
        String partition = AwsNames.partitionOf(region.id());
        Matcher key = AwsNames.KEY_ARN.matcher(settings.kmsKeyId());
        if (key.matches()) {
            AwsNames.requireSamePartition("the KMS key " + settings.kmsKeyId(), key.group(1), region.id());
        }
        EnvelopeEncryption bound = assumeRole == null
                ? settings.forStream(stream, region.id(), null, partition)
                : settings.forStream(stream, region.id(), assumeRole.account(), assumeRole.partition());
        String boundStream = bound.streamArn();
        Matcher streamArn = AwsNames.STREAM_ARN.matcher(boundStream == null ? "" : boundStream);
        if (streamArn.matches()) {
            AwsNames.requireSamePartition("the encryption streamArn " + boundStream, streamArn.group(1), region.id());
        }
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
        return endpoint != null ? endpoint : ServiceEndpoints.firehose(region, fipsEnabled, dualStackEnabled);
    }

    /**
     * @return whether the endpoints not set explicitly are the FIPS ones (the option, or the AWS SDK's settings)
     */
    public boolean fipsEnabled() {
        return fipsEnabled;
    }

    /** @return whether the endpoints not set explicitly are the dual-stack ones (the option, or the SDK's settings) */
    public boolean dualStackEnabled() {
        return dualStackEnabled;
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
    public @Nullable WebIdentity webIdentity() {
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
     * The TLS implementation of the producer's own Firehose connections.
     *
     * @return the TLS engine
     */
    public TlsEngine tlsEngine() {
        return tlsEngine;
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
                + ", tlsEngine="
                + tlsEngine
                + ", rateControl="
                + rateControl
                + ", spill="
                + spill
                + "}";
    }
}
