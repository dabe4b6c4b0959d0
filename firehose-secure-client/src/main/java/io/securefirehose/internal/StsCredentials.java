package io.securefirehose.internal;

import io.securefirehose.ProducerConfig;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.time.TaskScheduler;
import io.securefirehose.transport.CidrRange;
import java.net.URI;
import java.util.List;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.sts.StsAsyncClient;

/**
 * Builds the assumed-role credentials of a producer: an STS client made by {@link SecureHttpClient} (the producer's
 * TLS policy and trust; address pinning when STS is reached through an endpoint and the producer verifies
 * addresses), always the regional STS endpoint unless one is given, and the session policy for the stream.
 */
final class StsCredentials {

    private StsCredentials() {}

    static AssumedRoleCredentials create(
            ProducerConfig config, AssumeRole role, TaskScheduler scheduler, SecurityEvents events) {
        return create(config, role, scheduler, events, false);
    }

    /**
     * @param describeStream whether the session may also call {@code DescribeDeliveryStream} (the posture check)
     */
    static AssumedRoleCredentials create(
            ProducerConfig config,
            AssumeRole role,
            TaskScheduler scheduler,
            SecurityEvents events,
            boolean describeStream) {
        URI configured = role.stsEndpoint();
        URI endpoint = configured != null ? configured : ServiceEndpoints.sts(config.region());
        SecureHttpClient http = SecureHttpClient.create(
                "firehose-secure-sts-" + config.deliveryStreamName(),
                endpoint,
                new SecureHttpClient.Rules(
                        config.trustMaterial(),
                        config.tlsPolicy(),
                        stsAddressRules(config, role),
                        config.hostResolver()),
                2,
                events);
        StsAsyncClient sts = StsAsyncClient.builder()
                .region(config.region())
                .endpointOverride(endpoint)
                .fipsEnabled(false)
                .dualstackEnabled(false)
                .credentialsProvider(config.credentialsProvider())
                .httpClient(http.client())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(config.requestTimeout())
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, UserAgent.SUFFIX))
                .asyncConfiguration(
                        a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run))
                .build();
        LeastPrivilegePolicies.Builder policy = LeastPrivilegePolicies.builder()
                .streamArn(streamArn(config, role))
                .describeStream(describeStream);
        String firehoseVpce = config.vpcEndpointId();
        if (firehoseVpce != null) {
            // A stolen session cannot put records from outside the VPC.
            policy.vpcEndpointId(firehoseVpce);
        }
        io.securefirehose.crypto.EnvelopeEncryption encryption = config.encryption();
        if (encryption != null) {
            // The producer's data keys: GenerateDataKey on exactly this key, for this stream's context only.
            policy.kmsKeyArn(encryption.kmsKeyId());
            String kmsVpce = encryption.kmsVpcEndpointId();
            if (kmsVpce != null) {
                policy.kmsVpcEndpointId(kmsVpce);
            }
        }
        String sessionPolicy = role.narrow(policy).build().sessionPolicyMinified();
        return new AssumedRoleCredentials(sts, role, sessionPolicy, scheduler, http::typedRefusalOr, () -> {
            sts.close();
            http.close();
        });
    }

    /**
     * Address rules for STS: an STS VPC endpoint is always verified and pinned (against the producer's ranges, or
     * the private ones); another STS endpoint override follows the producer's rules; the public regional endpoint
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
    static String streamArn(ProducerConfig config, AssumeRole role) {
        return "arn:" + role.partition() + ":firehose:" + config.region().id() + ":" + role.account()
                + ":deliverystream/" + config.deliveryStreamName();
    }
}
