package io.securefirehose.crypto;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.internal.aws.AwsNames;
import io.securefirehose.records.FirehoseLimits;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Client-side envelope encryption of every record with a KMS key: the producer fetches AES-256 data keys with
 * {@code GenerateDataKey}, seals each record with AES-256-GCM and a fresh random 96-bit nonce, and sends frames in
 * the {@link EnvelopeFormat}. Once configured it fails closed: a record is sent encrypted or not at all.
 *
 * <p>The KMS encryption context binds every data key to the delivery stream: key {@value
 * LeastPrivilegePolicies#STREAM_CONTEXT_KEY}, value the stream's ARN, plus any pairs added with
 * {@link Builder#encryptionContext}. A key policy can require it ({@link LeastPrivilegePolicies}), and the
 * decryptor refuses records of another stream.
 *
 * <p>A data key encrypts at most {@link Builder#maxRecordsPerDataKey} records and
 * {@link Builder#maxBytesPerDataKey} bytes and is used for at most {@link Builder#maxDataKeyAge}; the next one
 * is fetched in the background when a quarter of any limit is left, so the send path does not wait for KMS in
 * steady state. Retired keys are wiped. See {@code docs/envelope-format.md} for the format and
 * {@code docs/producer.md} for the defaults and why they were chosen.
 *
 * <p>Immutable and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class EnvelopeEncryption {

    /** Default most records per data key: 2^22, a random-nonce collision chance below 2^-52. */
    public static final long DEFAULT_MAX_RECORDS_PER_DATA_KEY = 1L << 22;

    /** Default most plaintext bytes per data key: 4 GiB. */
    public static final long DEFAULT_MAX_BYTES_PER_DATA_KEY = 1L << 32;

    /** Default longest use of one data key. */
    public static final Duration DEFAULT_MAX_DATA_KEY_AGE = Duration.ofMinutes(5);

    /** Largest {@code maxRecordsPerDataKey}: NIST SP 800-38D's bound of 2^32 invocations with random nonces. */
    public static final long MAX_RECORDS_PER_DATA_KEY_LIMIT = 1L << 32;

    /** Largest {@code maxBytesPerDataKey}: 64 GiB (2^32 AES blocks). */
    public static final long MAX_BYTES_PER_DATA_KEY_LIMIT = 1L << 36;

    /** Longest {@code maxDataKeyAge}. */
    public static final Duration MAX_DATA_KEY_AGE_LIMIT = Duration.ofHours(24);

    private static final Pattern KMS_VPC_ENDPOINT = AwsNames.vpcEndpointOf("kms");

    private final String kmsKeyId;
    private final @Nullable String streamArn;
    private final Map<String, String> extraContext;
    private final long maxRecordsPerDataKey;
    private final long maxBytesPerDataKey;
    private final Duration maxDataKeyAge;
    private final @Nullable URI kmsEndpoint;
    private final @Nullable String kmsVpcEndpointRegion;
    private final boolean fipsEnabled;

    private EnvelopeEncryption(Builder b, @Nullable String streamArn) {
        this.kmsKeyId = b.kmsKeyId;
        this.streamArn = streamArn;
        this.extraContext = Map.copyOf(b.extraContext);
        this.maxRecordsPerDataKey = b.maxRecordsPerDataKey;
        this.maxBytesPerDataKey = b.maxBytesPerDataKey;
        this.maxDataKeyAge = b.maxDataKeyAge;
        this.kmsEndpoint = b.kmsEndpoint;
        this.kmsVpcEndpointRegion = b.kmsVpcEndpointRegion;
        this.fipsEnabled = b.fipsEnabled;
    }

    private EnvelopeEncryption(EnvelopeEncryption other, String streamArn) {
        this.kmsKeyId = other.kmsKeyId;
        this.streamArn = streamArn;
        this.extraContext = other.extraContext;
        this.maxRecordsPerDataKey = other.maxRecordsPerDataKey;
        this.maxBytesPerDataKey = other.maxBytesPerDataKey;
        this.maxDataKeyAge = other.maxDataKeyAge;
        this.kmsEndpoint = other.kmsEndpoint;
        this.kmsVpcEndpointRegion = other.kmsVpcEndpointRegion;
        this.fipsEnabled = other.fipsEnabled;
    }

    /**
     * Starts settings that encrypt with this KMS key.
     *
     * @param keyId a key ARN, key id, alias ({@code alias/name}) or alias ARN; with {@code assumeRole} it must be a
     *     key ARN, so that the session policy can name it
     * @return a builder
     */
    public static Builder withKmsKey(String keyId) {
        return new Builder(keyId);
    }

    /** @return the KMS key as configured */
    public String kmsKeyId() {
        return kmsKeyId;
    }

    /** @return whether {@link #kmsKeyId()} is a key ARN (not an id or alias) */
    public boolean kmsKeyIsArn() {
        return AwsNames.KEY_ARN.matcher(kmsKeyId).matches();
    }

    /** @return the stream ARN bound into the context, if set (the producer fills it in from its role otherwise) */
    public @Nullable String streamArn() {
        return streamArn;
    }

    /**
     * The full encryption context: the stream pair and the extra pairs.
     *
     * @return the context sent to KMS and written into every frame
     * @throws IllegalStateException if the stream ARN is not known yet
     */
    public Map<String, String> encryptionContext() {
        if (streamArn == null) {
            throw new IllegalStateException("the stream ARN of the encryption context is not known");
        }
        Map<String, String> context = new LinkedHashMap<>();
        context.put(LeastPrivilegePolicies.STREAM_CONTEXT_KEY, streamArn);
        context.putAll(extraContext);
        return Map.copyOf(context);
    }

    /**
     * The largest plaintext record a producer with these settings accepts: Firehose's 1,024,000 bytes less the
     * frame's overhead (with the encrypted data key counted at its reserved size).
     *
     * @return the most plaintext bytes per record
     */
    public int maxPlaintextBytes() {
        return EnvelopeFormat.maxPlaintextBytes(encryptionContext());
    }

    /** @return most records one data key encrypts */
    public long maxRecordsPerDataKey() {
        return maxRecordsPerDataKey;
    }

    /** @return most plaintext bytes one data key encrypts */
    public long maxBytesPerDataKey() {
        return maxBytesPerDataKey;
    }

    /** @return longest time one data key is used */
    public Duration maxDataKeyAge() {
        return maxDataKeyAge;
    }

    /** @return whether KMS calls use the FIPS endpoint and policy even if the producer's do not */
    public boolean fipsEnabled() {
        return fipsEnabled;
    }

    /** @return the KMS endpoint, or {@code null} for the region's standard one */
    public @Nullable URI kmsEndpoint() {
        return kmsEndpoint;
    }

    /** @return the region of the KMS VPC endpoint, when {@link Builder#kmsVpcEndpoint} was used */
    public @Nullable String kmsVpcEndpointRegion() {
        return kmsVpcEndpointRegion;
    }

    /**
     * @return the id of the KMS VPC endpoint ({@code vpce-<hex>}, read from its name) when KMS is reached through
     *     one, else {@code null}; with {@code assumeRole}, the session policy's {@code kms:GenerateDataKey} then
     *     requires {@code aws:SourceVpce} to be it
     */
    public @Nullable String kmsVpcEndpointId() {
        URI endpoint = kmsEndpoint;
        return endpoint == null || endpoint.getHost() == null
                ? null
                : LeastPrivilegePolicies.vpcEndpointIdOf(endpoint.getHost());
    }

    /**
     * These settings bound to a delivery stream. Used by the producer builder, which knows the stream.
     *
     * @param deliveryStream the stream's name
     * @param region the stream's region
     * @param account the stream's account, or {@code null} if unknown
     * @param partition the stream's partition, for example {@code aws}
     * @return settings whose context names the stream
     * @throws IllegalStateException if the stream ARN was set and names another stream, or cannot be derived
     */
    public EnvelopeEncryption forStream(
            String deliveryStream, String region, @Nullable String account, String partition) {
        if (streamArn != null) {
            Matcher arn = AwsNames.STREAM_ARN.matcher(streamArn);
            if (!arn.matches() || !arn.group(2).equals(region) || !arn.group(4).equals(deliveryStream)) {
                throw new IllegalStateException("the encryption streamArn " + streamArn + " does not name delivery"
                        + " stream '" + deliveryStream + "' in region " + region + ": set the ARN of the stream the"
                        + " producer sends to");
            }
            return this;
        }
        if (account == null) {
            throw new IllegalStateException("envelope encryption binds every record to the stream's ARN, which needs"
                    + " the stream's account: set EnvelopeEncryption.Builder.streamArn(\"arn:aws:firehose:" + region
                    + ":<account>:deliverystream/" + deliveryStream + "\") or use assumeRole(...)");
        }
        return new EnvelopeEncryption(
                this, "arn:" + partition + ":firehose:" + region + ":" + account + ":deliverystream/" + deliveryStream);
    }

    /** Collects and checks the settings; every setter refuses a bad value naming it. Not thread-safe. */
    public static final class Builder {
        private final String kmsKeyId;
        private @Nullable String streamArn;
        private final Map<String, String> extraContext = new LinkedHashMap<>();
        private long maxRecordsPerDataKey = DEFAULT_MAX_RECORDS_PER_DATA_KEY;
        private long maxBytesPerDataKey = DEFAULT_MAX_BYTES_PER_DATA_KEY;
        private Duration maxDataKeyAge = DEFAULT_MAX_DATA_KEY_AGE;
        private @Nullable URI kmsEndpoint;
        private @Nullable String kmsVpcEndpointRegion;
        private boolean fipsEnabled;

        private Builder(String kmsKeyId) {
            Objects.requireNonNull(kmsKeyId, "kmsKeyId must not be null");
            if (!AwsNames.KEY_REFERENCE.matcher(kmsKeyId).matches()) {
                throw new IllegalArgumentException(
                        "kmsKey must be a key ARN, key id, alias/<name> or alias ARN, was '" + kmsKeyId + "'");
            }
            this.kmsKeyId = kmsKeyId;
        }

        /**
         * The ARN of the delivery stream, written into the encryption context. Needed unless the producer assumes a
         * role (whose account is then the stream's).
         *
         * @param arn {@code arn:aws:firehose:<region>:<account>:deliverystream/<name>}
         * @return this builder
         */
        public Builder streamArn(String arn) {
            Objects.requireNonNull(arn, "streamArn must not be null");
            if (!AwsNames.STREAM_ARN.matcher(arn).matches()) {
                throw new IllegalArgumentException(
                        "streamArn must be arn:aws:firehose:<region>:<account>:deliverystream/<name>, was '" + arn
                                + "'");
            }
            this.streamArn = arn;
            return this;
        }

        /**
         * Adds a pair to the encryption context (for example to let a key policy tell applications apart). The
         * pair is sent to KMS and written, unencrypted, into every frame: never put secrets here.
         *
         * @param key context key, not {@value LeastPrivilegePolicies#STREAM_CONTEXT_KEY} (reserved) and not
         *     starting with {@code aws}
         * @param value context value
         * @return this builder
         */
        public Builder encryptionContext(String key, String value) {
            Objects.requireNonNull(key, "encryptionContext key must not be null");
            Objects.requireNonNull(value, "encryptionContext value must not be null");
            if (key.isEmpty() || value.isEmpty()) {
                throw new IllegalArgumentException("encryptionContext keys and values must not be empty");
            }
            if (key.equals(LeastPrivilegePolicies.STREAM_CONTEXT_KEY)) {
                throw new IllegalArgumentException("encryptionContext key '" + key + "' is reserved: the producer sets"
                        + " it to the stream's ARN");
            }
            if (key.toLowerCase(Locale.ROOT).startsWith("aws")) {
                throw new IllegalArgumentException(
                        "encryptionContext key '" + key + "' starts with 'aws', which KMS reserves");
            }
            String previous = extraContext.put(key, value);
            try {
                EnvelopeFormat.encodeContext(extraContext);
            } catch (IllegalArgumentException tooLarge) {
                if (previous == null) {
                    extraContext.remove(key);
                } else {
                    extraContext.put(key, previous);
                }
                throw new IllegalArgumentException("encryptionContext: " + tooLarge.getMessage(), tooLarge);
            }
            return this;
        }

        /**
         * Most records one data key encrypts. Default {@value #DEFAULT_MAX_RECORDS_PER_DATA_KEY}.
         *
         * @param records 1 to 2^32
         * @return this builder
         */
        public Builder maxRecordsPerDataKey(long records) {
            if (records < 1 || records > MAX_RECORDS_PER_DATA_KEY_LIMIT) {
                throw new IllegalArgumentException("maxRecordsPerDataKey must be between 1 and "
                        + MAX_RECORDS_PER_DATA_KEY_LIMIT + " (the safe number of random GCM nonces per key), was "
                        + records);
            }
            this.maxRecordsPerDataKey = records;
            return this;
        }

        /**
         * Most plaintext bytes one data key encrypts. Default 4 GiB.
         *
         * @param bytes 1,024,000 to 64 GiB
         * @return this builder
         */
        public Builder maxBytesPerDataKey(long bytes) {
            if (bytes < FirehoseLimits.MAX_RECORD_BYTES || bytes > MAX_BYTES_PER_DATA_KEY_LIMIT) {
                throw new IllegalArgumentException("maxBytesPerDataKey must be between "
                        + FirehoseLimits.MAX_RECORD_BYTES + " (one largest record) and "
                        + MAX_BYTES_PER_DATA_KEY_LIMIT + " (64 GiB), was " + bytes);
            }
            this.maxBytesPerDataKey = bytes;
            return this;
        }

        /**
         * Longest time one data key is used, from when KMS answered. Default 5 minutes.
         *
         * @param age 1 second to 24 hours
         * @return this builder
         */
        public Builder maxDataKeyAge(Duration age) {
            Objects.requireNonNull(age, "maxDataKeyAge must not be null");
            if (age.compareTo(Duration.ofSeconds(1)) < 0 || age.compareTo(MAX_DATA_KEY_AGE_LIMIT) > 0) {
                throw new IllegalArgumentException("maxDataKeyAge must be between 1 second and 24 hours, was " + age);
            }
            this.maxDataKeyAge = age;
            return this;
        }

        /**
         * Calls KMS at this HTTPS endpoint instead of {@code kms.<region>.amazonaws.com} (for example a local test
         * endpoint). Its addresses follow the producer's address rules ({@code allowedCidrs}).
         *
         * @param endpoint an absolute {@code https://host[:port]} URI
         * @return this builder
         */
        public Builder kmsEndpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "kmsEndpoint must not be null");
            if (!"https".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
                throw new IllegalArgumentException(
                        "kmsEndpoint must be https://host[:port] so that keys travel over TLS, was '" + endpoint + "'");
            }
            this.kmsEndpoint = endpoint;
            this.kmsVpcEndpointRegion = null;
            return this;
        }

        /**
         * Calls KMS through a KMS VPC interface endpoint; its addresses are always resolved, verified against the
         * producer's allowed ranges (or the private ranges) and pinned.
         *
         * @param dnsName {@code vpce-<id>-<suffix>.kms.<region>.vpce.amazonaws.com}
         * @return this builder
         */
        public Builder kmsVpcEndpoint(String dnsName) {
            Objects.requireNonNull(dnsName, "kmsVpcEndpoint must not be null");
            String name = dnsName.toLowerCase(Locale.ROOT);
            Matcher matcher = KMS_VPC_ENDPOINT.matcher(name);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("kmsVpcEndpoint must be vpce-<id>-<suffix>.kms.<region>.vpce.<the"
                        + " partition's DNS suffix, amazonaws.com in most regions>, was '" + dnsName + "'");
            }
            AwsNames.requireRegionsDnsSuffix("kmsVpcEndpoint", dnsName, matcher.group(1), matcher.group(2));
            this.kmsEndpoint = URI.create("https://" + name);
            this.kmsVpcEndpointRegion = matcher.group(1);
            return this;
        }

        /**
         * Calls KMS at its FIPS endpoint ({@code kms-fips.<region>.amazonaws.com} and so on, as the AWS SDK's
         * endpoint rules name it) under {@link io.securefirehose.transport.TlsPolicy#FIPS}, even when the producer's
         * own {@code fipsEnabled} is off. A region without a KMS FIPS endpoint (per the SDK's endpoint metadata) is
         * refused when the producer is built. With {@link #kmsEndpoint(URI)} or {@link #kmsVpcEndpoint(String)}
         * that endpoint is used as given, under the FIPS policy. Default off; the producer's {@code fipsEnabled}
         * turns it on for every service.
         *
         * @param enabled whether KMS calls use FIPS
         * @return this builder
         */
        public Builder fipsEnabled(boolean enabled) {
            this.fipsEnabled = enabled;
            return this;
        }

        /** @return the settings */
        public EnvelopeEncryption build() {
            return new EnvelopeEncryption(this, streamArn);
        }
    }
}
