package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.internal.tls.SecureHttpClient;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.tls.SharedEventLoops;
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
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsAsyncClient;

/**
 * Builds KMS clients under the same connection rules as every other client of this SDK ({@link SecureHttpClient}):
 * the TLS policy, the trust material, host name checks, and address pinning when the rules ask for it. SDK retries
 * are off; callers retry with their own backoff.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class KmsClients {

    private KmsClients() {}

    /** A KMS client and the HTTP client it owns, which also turns refused connections into typed exceptions. */
    public static final class Secured implements AutoCloseable {
        private final KmsAsyncClient client;
        private final SecureHttpClient http;
        private final boolean owned;

        Secured(KmsAsyncClient client, SecureHttpClient http, boolean owned) {
            this.client = client;
            this.http = http;
            this.owned = owned;
        }

        /** @return the same client, for a user that must not close it (a stream of a client that shares it) */
        public Secured borrowed() {
            return new Secured(client, http, false);
        }

        /** @return the SDK client */
        public KmsAsyncClient client() {
            return client;
        }

        /** @return the only endpoint the client calls */
        public URI endpoint() {
            return http.endpoint();
        }

        /**
         * A failure with refused TLS or addresses made typed; others unwrapped.
         *
         * @param error a failure of a call
         * @return the failure to report
         */
        public Throwable typed(Throwable error) {
            return http.typedRefusalOr(error);
        }

        /** Closes the client and its connections, unless it was {@linkplain #borrowed() borrowed}. */
        @Override
        public void close() {
            if (owned) {
                client.close();
                http.close();
            }
        }
    }

    /**
     * The connection settings of a KMS client.
     *
     * @param region the region requests are signed for
     * @param endpoint the endpoint, or {@code null} for the region's ({@link ServiceEndpoints#kms})
     * @param credentials who signs
     * @param trust the trusted authorities
     * @param tlsPolicy allowed TLS versions and suites
     * @param allowedCidrs ranges the endpoint's addresses must lie in (then pinned), or {@code null} for none
     * @param resolver how the endpoint's name is resolved for verification
     * @param requestTimeout bound on one call
     * @param fips whether the default endpoint is the region's FIPS one
     * @param dualStack whether the default endpoint is the region's dual-stack one
     */
    public record Settings(
            Region region,
            @Nullable URI endpoint,
            AwsCredentialsProvider credentials,
            TrustMaterial trust,
            TlsPolicy tlsPolicy,
            @Nullable List<CidrRange> allowedCidrs,
            HostResolver resolver,
            Duration requestTimeout,
            boolean fips,
            boolean dualStack) {

        /** Copies the ranges. */
        public Settings {
            allowedCidrs = allowedCidrs == null ? null : List.copyOf(allowedCidrs);
        }
    }

    /**
     * Builds the client; resolves and verifies the endpoint first when addresses are checked.
     *
     * @param threadName name prefix of its I/O threads
     * @param settings the connection settings
     * @param events where refused connections and requests are counted and logged
     * @return the client
     * @throws io.securefirehose.errors.EndpointPolicyViolationException if the endpoint's addresses are not allowed
     */
    public static Secured create(String threadName, Settings settings, SecurityEvents events) {
        return create(threadName, settings, events, null);
    }

    /**
     * As {@link #create(String, Settings, SecurityEvents)}, on a client's {@code shared} loops when given.
     *
     * @param shared the loops of a client, or {@code null} for loops of its own
     */
    public static Secured create(
            String threadName, Settings settings, SecurityEvents events, @Nullable SharedEventLoops shared) {
        URI configured = settings.endpoint();
        URI endpoint = configured != null
                ? configured
                : ServiceEndpoints.kms(settings.region(), settings.fips(), settings.dualStack());
        SecureHttpClient http = SecureHttpClient.create(
                threadName,
                endpoint,
                new SecureHttpClient.Rules(
                        settings.trust(), settings.tlsPolicy(), settings.allowedCidrs(), settings.resolver()),
                4,
                events,
                shared);
        boolean built = false;
        try {
            var builder = KmsAsyncClient.builder()
                    .region(settings.region())
                    // Always explicit: the SDK's endpoint-override sources are never consulted.
                    .endpointOverride(endpoint)
                    .fipsEnabled(false)
                    .dualstackEnabled(false)
                    .credentialsProvider(settings.credentials())
                    .httpClient(http.client())
                    .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                            .apiCallTimeout(settings.requestTimeout())
                            .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, UserAgent.SUFFIX))
                    .asyncConfiguration(a ->
                            a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run));
            Secured secured = new Secured(builder.build(), http, true);
            built = true;
            return secured;
        } finally {
            if (!built) {
                http.close();
            }
        }
    }
}
