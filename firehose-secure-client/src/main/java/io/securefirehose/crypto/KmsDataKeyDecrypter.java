package io.securefirehose.crypto;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.internal.aws.DualStackSettings;
import io.securefirehose.internal.aws.FipsSettings;
import io.securefirehose.internal.aws.KmsClients;
import io.securefirehose.internal.aws.ServiceEndpoints;
import io.securefirehose.internal.keys.KmsPlaintext;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;

/**
 * Decrypts data keys with KMS {@code Decrypt}, over a connection held to the same rules as the producer's: the TLS
 * policy, certificate and host name checks, and, with {@link Builder#allowedCidrs}, verified and pinned addresses.
 *
 * <p>Thread-safe. {@link #decrypt} blocks the calling thread for up to {@code requestTimeout}. Close it to release
 * its connections and threads.
 */
@API(status = STABLE, since = "0.1.0")
public final class KmsDataKeyDecrypter implements DataKeyDecrypter, AutoCloseable {

    private final KmsClients.Secured kms;
    private final Duration requestTimeout;

    private KmsDataKeyDecrypter(KmsClients.Secured kms, Duration requestTimeout) {
        this.kms = kms;
        this.requestTimeout = requestTimeout;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Calls KMS {@code Decrypt} with the blob and the context.
     *
     * @throws RuntimeException KMS's refusal ({@code AwsServiceException}), a refused connection
     *     ({@link io.securefirehose.errors.TlsPolicyViolationException},
     *     {@link io.securefirehose.errors.EndpointPolicyViolationException}) or a timeout
     */
    @Override
    public byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        try {
            return KmsPlaintext.take(kms.client()
                    .decrypt(r -> r.ciphertextBlob(SdkBytes.fromByteArray(encryptedDataKey))
                            .encryptionContext(encryptionContext))
                    .get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS)
                    .plaintext());
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = kms.typed(e.getCause() == null ? e : e.getCause());
            throw cause instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException("KMS Decrypt failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("KMS Decrypt did not answer within " + requestTimeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for KMS Decrypt", e);
        }
    }

    /** Releases the connections and threads. */
    @Override
    public void close() {
        kms.close();
    }

    /** Collects the settings; setters refuse bad values naming them. Not thread-safe. */
    public static final class Builder {
        private @Nullable Region region;
        private @Nullable URI endpoint;
        private @Nullable AwsCredentialsProvider credentials;
        private TrustMaterial trust = TrustMaterial.systemDefault();
        private TlsPolicy tlsPolicy = TlsPolicy.MODERN;
        private boolean fipsEnabled;
        private boolean dualStackEnabled;
        private @Nullable List<CidrRange> allowedCidrs;
        private HostResolver resolver = HostResolver.system();
        private Duration requestTimeout = Duration.ofSeconds(30);

        private Builder() {}

        /**
         * The region of the KMS key. Required.
         *
         * @param region the region
         * @return this builder
         */
        public Builder region(Region region) {
            this.region = Objects.requireNonNull(region, "region must not be null");
            return this;
        }

        /**
         * Calls KMS at this HTTPS endpoint instead of {@code kms.<region>.amazonaws.com}.
         *
         * @param endpoint {@code https://host[:port]}
         * @return this builder
         */
        public Builder endpoint(URI endpoint) {
            Objects.requireNonNull(endpoint, "endpoint must not be null");
            if (!"https".equalsIgnoreCase(endpoint.getScheme()) || endpoint.getHost() == null) {
                throw new IllegalArgumentException(
                        "endpoint must be https://host[:port] so that keys travel over TLS, was '" + endpoint + "'");
            }
            this.endpoint = endpoint;
            return this;
        }

        /**
         * Who signs the calls. Default: the AWS SDK's default provider chain.
         *
         * @param provider the credentials provider
         * @return this builder
         */
        public Builder credentialsProvider(AwsCredentialsProvider provider) {
            this.credentials = Objects.requireNonNull(provider, "credentialsProvider must not be null");
            return this;
        }

        /**
         * Which certificate authorities to trust. Default: the JDK's. Verification is always on.
         *
         * @param trust the trusted authorities
         * @return this builder
         */
        public Builder trustMaterial(TrustMaterial trust) {
            this.trust = Objects.requireNonNull(trust, "trustMaterial must not be null");
            return this;
        }

        /**
         * Calls the region's KMS FIPS endpoint when no endpoint is set. Default off, unless the AWS SDK's settings
         * ask for it ({@code AWS_USE_FIPS_ENDPOINT}, {@code aws.useFipsEndpoint}, the profile's
         * {@code use_fips_endpoint}). A region without a KMS FIPS endpoint is refused at {@code build()}; the
         * connection uses {@link TlsPolicy#FIPS} unless {@link TlsPolicy#TLS13_ONLY} is chosen.
         *
         * @param enabled whether to use the FIPS endpoint
         * @return this builder
         */
        public Builder fipsEnabled(boolean enabled) {
            this.fipsEnabled = enabled;
            return this;
        }

        /**
         * Calls the region's dual-stack (IPv4 and IPv6) KMS endpoint when no endpoint is set, as the AWS SDK's
         * endpoint rules name it. Default off, unless the AWS SDK's settings ask for it
         * ({@code AWS_USE_DUALSTACK_ENDPOINT}, {@code aws.useDualstackEndpoint}, the profile's
         * {@code use_dualstack_endpoint}). A partition whose rules define none is refused at {@code build()}.
         *
         * @param enabled whether to use the dual-stack endpoint
         * @return this builder
         */
        public Builder dualStackEnabled(boolean enabled) {
            this.dualStackEnabled = enabled;
            return this;
        }

        /**
         * Allowed TLS versions and suites. Default {@link TlsPolicy#MODERN}.
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder tlsPolicy(TlsPolicy policy) {
            this.tlsPolicy = Objects.requireNonNull(policy, "tlsPolicy must not be null");
            return this;
        }

        /**
         * Ranges the endpoint's addresses must lie in; they are resolved when the decrypter is built, verified and
         * pinned. Default: not checked.
         *
         * @param cidrs ranges such as {@code 10.1.0.0/16}
         * @return this builder
         */
        public Builder allowedCidrs(String... cidrs) {
            this.allowedCidrs = CidrRange.parseAll(cidrs);
            return this;
        }

        /**
         * How the endpoint's name is resolved for verification. Default: the JVM's resolver.
         *
         * @param resolver the resolver
         * @return this builder
         */
        public Builder hostResolver(HostResolver resolver) {
            this.resolver = Objects.requireNonNull(resolver, "hostResolver must not be null");
            return this;
        }

        /**
         * Bound on one {@code Decrypt} call. Default 30 s.
         *
         * @param timeout more than zero
         * @return this builder
         */
        public Builder requestTimeout(Duration timeout) {
            Objects.requireNonNull(timeout, "requestTimeout must not be null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("requestTimeout must be more than zero, was " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        /**
         * Builds the decrypter and its connection pool.
         *
         * @return the decrypter
         * @throws IllegalStateException if the region is missing
         * @throws io.securefirehose.errors.EndpointPolicyViolationException if the endpoint's addresses are not allowed
         */
        public KmsDataKeyDecrypter build() {
            if (region == null) {
                throw new IllegalStateException("region is required: the region of the KMS key");
            }
            AwsCredentialsProvider provider = credentials != null
                    ? credentials
                    : DefaultCredentialsProvider.builder().build();
            boolean fips = FipsSettings.wanted(fipsEnabled);
            boolean dualStack = DualStackSettings.wanted(dualStackEnabled);
            if (endpoint == null) {
                ServiceEndpoints.requireDefault(
                        "kms", region, fips, dualStack, "KmsDataKeyDecrypter.Builder.fipsEnabled");
            }
            TlsPolicy policy =
                    fips ? FipsSettings.policyFor(tlsPolicy, "KmsDataKeyDecrypter.Builder.fipsEnabled") : tlsPolicy;
            return new KmsDataKeyDecrypter(
                    KmsClients.create(
                            "firehose-secure-kms-decrypt",
                            new KmsClients.Settings(
                                    region,
                                    endpoint,
                                    provider,
                                    trust,
                                    policy,
                                    allowedCidrs,
                                    resolver,
                                    requestTimeout,
                                    fips,
                                    dualStack),
                            new SecurityEvents()),
                    requestTimeout);
        }
    }
}
