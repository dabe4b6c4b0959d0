package io.securefirehose.internal.identity;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.ProducerConfig;
import io.securefirehose.ServiceFailure;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.credentials.WebIdentity;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.internal.aws.FipsSettings;
import io.securefirehose.internal.aws.ServiceEndpoints;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.internal.aws.UserAgent;
import io.securefirehose.internal.tls.SecureHttpClient;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.tls.SharedEventLoops;
import io.securefirehose.time.TaskScheduler;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.TlsPolicy;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.sts.StsAsyncClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.AssumeRoleWithWebIdentityRequest;
import software.amazon.awssdk.services.sts.model.Tag;

/**
 * Builds a producer's STS-issued credentials: the web identity session (base credentials) and the assumed role's
 * session (narrowed by the session policy for the stream). Every STS client is made by {@link SecureHttpClient}
 * (the producer's TLS policy and trust; address pinning when STS is reached through an endpoint and the producer
 * verifies addresses) and always calls the regional STS endpoint unless one is given.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class StsCredentials {

    private StsCredentials() {}

    /**
     * The credentials the producer signs with, or assumes its role with: a web identity session when configured,
     * else the configured provider.
     *
     * @return the web identity credentials (to be started and closed by the caller), or {@code null} when the
     *     configured provider is used as it is
     */
    public static @Nullable AssumedRoleCredentials webIdentity(
            ProducerConfig config, TaskScheduler scheduler, SecurityEvents events) {
        return webIdentity(config, scheduler, events, ServiceFailureReporter.NONE);
    }

    /**
     * As {@link #webIdentity(ProducerConfig, TaskScheduler, SecurityEvents)}, reporting each failed STS call.
     *
     * @param failures where failed STS calls are reported
     */
    public static @Nullable AssumedRoleCredentials webIdentity(
            ProducerConfig config, TaskScheduler scheduler, SecurityEvents events, ServiceFailureReporter failures) {
        return webIdentity(config, scheduler, events, failures, null);
    }

    /**
     * As {@link #webIdentity(ProducerConfig, TaskScheduler, SecurityEvents, ServiceFailureReporter)}, on a client's
     * {@code shared} loops when given.
     *
     * @param shared the loops of a client, or {@code null} for loops of its own
     */
    public static @Nullable AssumedRoleCredentials webIdentity(
            ProducerConfig config,
            TaskScheduler scheduler,
            SecurityEvents events,
            ServiceFailureReporter failures,
            @Nullable SharedEventLoops shared) {
        WebIdentity identity = config.webIdentity();
        if (identity == null) {
            return null;
        }
        URI configured = identity.stsEndpoint();
        URI endpoint = configured != null
                ? configured
                : ServiceEndpoints.sts(config.region(), config.fipsEnabled(), config.dualStackEnabled());
        SecureHttpClient http = stsHttp(
                config,
                endpoint,
                configured != null ? config.allowedCidrs() : null,
                config.tlsPolicy(),
                events,
                shared);
        // AssumeRoleWithWebIdentity is not signed: the token is the proof.
        StsAsyncClient sts = stsClient(config, endpoint, AnonymousCredentialsProvider.create(), http);
        return new AssumedRoleCredentials(
                "AssumeRoleWithWebIdentity",
                identity.roleArn(),
                identity.refreshBefore(),
                () -> sts.assumeRoleWithWebIdentity(AssumeRoleWithWebIdentityRequest.builder()
                                .roleArn(identity.roleArn())
                                .roleSessionName(identity.sessionName())
                                .durationSeconds((int) identity.duration().toSeconds())
                                // Read at every refresh: the token is rotated on disk.
                                .webIdentityToken(readToken(identity))
                                .build())
                        .thenApply(response -> response.credentials()),
                scheduler,
                http::typedRefusalOr,
                failures.calls(ServiceFailure.Service.STS, endpoint),
                () -> {
                    sts.close();
                    http.close();
                },
                () -> 0);
    }

    private static String readToken(WebIdentity identity) {
        try {
            return Files.readString(identity.tokenFile(), StandardCharsets.UTF_8)
                    .trim();
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read the web identity token file " + identity.tokenFile() + ": " + e.getMessage(), e);
        }
    }

    /** The producer's session: {@code AssumeRole} for the stream, each failed call reported to {@code failures}. */
    public static AssumedRoleCredentials create(
            ProducerConfig config,
            AwsCredentialsProvider base,
            AssumeRole role,
            TaskScheduler scheduler,
            SecurityEvents events,
            ServiceFailureReporter failures) {
        return create(config, base, role, scheduler, events, false, failures);
    }

    /**
     * @param base the credentials that call {@code AssumeRole}
     * @param describeStream whether the session may also call {@code DescribeDeliveryStream} (the posture check)
     * @param failures where failed STS calls are reported
     */
    public static AssumedRoleCredentials create(
            ProducerConfig config,
            AwsCredentialsProvider base,
            AssumeRole role,
            TaskScheduler scheduler,
            SecurityEvents events,
            boolean describeStream,
            ServiceFailureReporter failures) {
        AssumeRoleRequest request =
                assumeRoleRequest(role, sessionPolicy(config, role, describeStream, List.of(streamArn(config, role))));
        return assumeRole(config, base, role, scheduler, events, failures, () -> request, () -> 0, null);
    }

    /**
     * The session of a client's role: its policy names every stream of {@code scope}, read at each renewal.
     *
     * @param config the settings of the client (its connection, identity and encryption settings)
     * @param base the credentials that call {@code AssumeRole}
     * @param scope the streams opened with the role
     * @param failures where failed STS calls are reported
     * @param shared the client's loops
     */
    public static AssumedRoleCredentials forScope(
            ProducerConfig config,
            AwsCredentialsProvider base,
            AssumeRole role,
            TaskScheduler scheduler,
            SecurityEvents events,
            ServiceFailureReporter failures,
            SessionScope scope,
            SharedEventLoops shared) {
        return assumeRole(
                config,
                base,
                role,
                scheduler,
                events,
                failures,
                () -> assumeRoleRequest(role, sessionPolicy(config, role, false, scope.streamArns())),
                scope::version,
                shared);
    }

    private static AssumedRoleCredentials assumeRole(
            ProducerConfig config,
            AwsCredentialsProvider base,
            AssumeRole role,
            TaskScheduler scheduler,
            SecurityEvents events,
            ServiceFailureReporter failures,
            Supplier<AssumeRoleRequest> request,
            IntSupplier scopeVersion,
            @Nullable SharedEventLoops shared) {
        boolean fips = config.fipsEnabled() || role.fipsEnabled();
        URI configured = role.stsEndpoint();
        URI endpoint = configured != null
                ? configured
                : ServiceEndpoints.sts(config.region(), fips, config.dualStackEnabled());
        // A role that asks for FIPS alone gets the FIPS policy on its own connection (checked at build).
        TlsPolicy tlsPolicy = config.fipsEnabled() || !fips
                ? config.tlsPolicy()
                : FipsSettings.policyFor(config.tlsPolicy(), "AssumeRole.Builder.fipsEnabled");
        SecureHttpClient http = stsHttp(config, endpoint, stsAddressRules(config, role), tlsPolicy, events, shared);
        StsAsyncClient sts = stsClient(config, endpoint, base, http);
        return new AssumedRoleCredentials(
                "AssumeRole",
                role.roleArn(),
                role.refreshBefore(),
                () -> sts.assumeRole(request.get()).thenApply(response -> response.credentials()),
                scheduler,
                http::typedRefusalOr,
                failures.calls(ServiceFailure.Service.STS, endpoint),
                () -> {
                    sts.close();
                    http.close();
                },
                scopeVersion);
    }

    /**
     * The minified session policy for {@code streamArns}: {@code PutRecordBatch} on exactly those streams, and the
     * data keys of exactly those streams with the producer's key.
     *
     * @throws IllegalStateException if it is longer than STS accepts
     */
    public static String sessionPolicy(
            ProducerConfig config, AssumeRole role, boolean describeStream, List<String> streamArns) {
        LeastPrivilegePolicies.Builder policy =
                LeastPrivilegePolicies.builder().streamArns(streamArns).describeStream(describeStream);
        String firehoseVpce = config.vpcEndpointId();
        if (firehoseVpce != null) {
            // A stolen session cannot put records from outside the VPC.
            policy.vpcEndpointId(firehoseVpce);
        }
        EnvelopeEncryption encryption = config.encryption();
        if (encryption != null) {
            // The producer's data keys: GenerateDataKey on exactly this key, for these streams' contexts only.
            policy.kmsKeyArn(encryption.kmsKeyId());
            String kmsVpce = encryption.kmsVpcEndpointId();
            if (kmsVpce != null) {
                policy.kmsVpcEndpointId(kmsVpce);
            }
        }
        return role.narrow(policy).build().sessionPolicyMinified();
    }

    private static AssumeRoleRequest assumeRoleRequest(AssumeRole role, String sessionPolicy) {
        List<Tag> tags = new ArrayList<>();
        role.sessionTags()
                .forEach((k, v) -> tags.add(Tag.builder().key(k).value(v).build()));
        AssumeRoleRequest.Builder builder = AssumeRoleRequest.builder()
                .roleArn(role.roleArn())
                .roleSessionName(role.sessionName())
                .policy(sessionPolicy)
                .durationSeconds((int) role.duration().toSeconds());
        if (role.externalId() != null) {
            builder.externalId(role.externalId());
        }
        if (role.sourceIdentity() != null) {
            builder.sourceIdentity(role.sourceIdentity());
        }
        if (!tags.isEmpty()) {
            builder.tags(tags);
        }
        return builder.build();
    }

    private static SecureHttpClient stsHttp(
            ProducerConfig config,
            URI endpoint,
            @Nullable List<CidrRange> allowed,
            TlsPolicy policy,
            SecurityEvents events,
            @Nullable SharedEventLoops shared) {
        return SecureHttpClient.create(
                "firehose-secure-sts-" + config.deliveryStreamName(),
                endpoint,
                new SecureHttpClient.Rules(config.trustMaterial(), policy, allowed, config.hostResolver()),
                2,
                events,
                shared);
    }

    private static StsAsyncClient stsClient(
            ProducerConfig config, URI endpoint, AwsCredentialsProvider credentials, SecureHttpClient http) {
        return StsAsyncClient.builder()
                .region(config.region())
                .endpointOverride(endpoint)
                .fipsEnabled(false)
                .dualstackEnabled(false)
                .credentialsProvider(credentials)
                .httpClient(http.client())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(config.requestTimeout())
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, UserAgent.SUFFIX))
                .asyncConfiguration(
                        a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run))
                .build();
    }

    /**
     * Address rules for STS: an STS VPC endpoint is always verified and pinned (against the producer's ranges, or
     * the private ranges); another STS endpoint override follows the producer's rules; the public regional endpoint
     * is not pinned.
     */
    private static @Nullable List<CidrRange> stsAddressRules(ProducerConfig config, AssumeRole role) {
        if (role.stsVpcEndpointRegion() != null) {
            List<CidrRange> allowed = config.allowedCidrs();
            return allowed != null ? allowed : CidrRange.PRIVATE_RANGES;
        }
        return role.stsEndpoint() != null ? config.allowedCidrs() : null;
    }

    /** The stream's ARN in the role's partition and account. */
    public static String streamArn(ProducerConfig config, AssumeRole role) {
        return "arn:" + role.partition() + ":firehose:" + config.region().id() + ":" + role.account()
                + ":deliverystream/" + config.deliveryStreamName();
    }
}
