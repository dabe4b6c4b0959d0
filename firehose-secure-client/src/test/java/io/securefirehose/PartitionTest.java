package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.crypto.EnvelopeEncryption;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * A producer lives in one partition, the region's as the AWS SDK knows it: ARNs of another partition are refused at
 * build naming both, VPC endpoint names must end in the partition's DNS suffix, and the generated session policy
 * names the partition's ARNs.
 */
class PartitionTest {

    private static ProducerBuilder producer(String region) {
        return SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(region)
                .endpoint(URI.create("https://localhost:1"))
                .credentialsProvider(AnonymousCredentialsProvider.create());
    }

    @Test
    void aRoleOfAnotherPartitionIsRefusedAtBuildNamingBoth() {
        assertThatThrownBy(() -> producer("eu-west-1")
                        .assumeRole(AssumeRole.role("arn:aws-cn:iam::111122223333:role/orders")
                                .build())
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("arn:aws-cn:iam::111122223333:role/orders is in partition aws-cn")
                .hasMessageContaining("region eu-west-1 is in partition aws");
        assertThat(producer("cn-north-1")
                        .assumeRole(AssumeRole.role("arn:aws-cn:iam::111122223333:role/orders")
                                .build())
                        .buildConfig()
                        .assumeRole())
                .isNotNull();
    }

    @Test
    void aKmsKeyOrStreamArnOfAnotherPartitionIsRefusedAtBuild() {
        assertThatThrownBy(() -> producer("cn-north-1")
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey(
                                        "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                                .streamArn("arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/orders")
                                .build())
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("the KMS key arn:aws:kms:")
                .hasMessageContaining("partition aws-cn");
        assertThatThrownBy(() -> producer("us-gov-west-1")
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/orders")
                                .streamArn("arn:aws:firehose:us-gov-west-1:111122223333:deliverystream/orders")
                                .build())
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("streamArn arn:aws:firehose:us-gov-west-1")
                .hasMessageContaining("region us-gov-west-1 is in partition aws-us-gov");
    }

    @Test
    void vpcEndpointNamesMustEndInThePartitionsDnsSuffix() {
        assertThat(SecureFirehoseProducer.builder()
                        .deliveryStream("orders")
                        .region("cn-north-1")
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .vpcEndpoint("vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.cn-north-1.vpce.amazonaws.com.cn")
                        .buildConfig()
                        .vpcEndpointId())
                .isEqualTo("vpce-0a1b2c3d4e5f67890");
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .vpcEndpoint("vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.cn-north-1.vpce.amazonaws.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ends in amazonaws.com, but region cn-north-1 is in partition aws-cn")
                .hasMessageContaining("amazonaws.com.cn");
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .vpcEndpoint("vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com.cn"))
                .hasMessageContaining("whose names end in amazonaws.com");
        assertThat(SecureFirehoseProducer.builder().vpcEndpoint("firehose.cn-north-1.amazonaws.com.cn"))
                .isNotNull();
        assertThatThrownBy(() -> AssumeRole.role("arn:aws-cn:iam::111122223333:role/r")
                        .stsVpcEndpoint("vpce-0a1b2c3d4e5f67890-abcdefgh.sts.cn-north-1.vpce.amazonaws.com"))
                .hasMessageContaining("stsVpcEndpoint");
        assertThatThrownBy(() -> EnvelopeEncryption.withKmsKey("alias/a")
                        .kmsVpcEndpoint("vpce-0a1b2c3d4e5f67890-abcdefgh.kms.us-isob-east-1.vpce.amazonaws.com"))
                .hasMessageContaining("whose names end in sc2s.sgov.gov");
    }

    @Test
    void theSessionPolicyNamesThePartitionsArns() {
        String policy = LeastPrivilegePolicies.builder()
                .streamArn("arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/orders")
                .kmsKeyArn("arn:aws-cn:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                .build()
                .sessionPolicyMinified();
        assertThat(policy)
                .contains("arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/orders")
                .contains("arn:aws-cn:kms:cn-north-1:111122223333:key/")
                .doesNotContain("arn:aws:");
    }

    @Test
    void theDocumentsRefuseAnyArnOfAnotherPartitionThanTheStreamsRegion() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LeastPrivilegePolicies.builder()
                        .streamArn("arn:aws:firehose:us-gov-west-1:111122223333:deliverystream/orders")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is in partition aws, but region us-gov-west-1 is in partition aws-us-gov");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LeastPrivilegePolicies.builder()
                        .streamArn("arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/orders")
                        .kmsKeyArn("arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                        .build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(
                        "arn:aws:kms:cn-north-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab is in"
                                + " partition aws, but region cn-north-1 is in partition aws-cn");
        for (String principal : List.of("roleArn", "principalArn", "consumerPrincipalArn")) {
            LeastPrivilegePolicies.Builder builder = LeastPrivilegePolicies.builder()
                    .streamArn("arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/orders");
            String arn = "arn:aws:iam::111122223333:role/orders";
            switch (principal) {
                case "roleArn" -> builder.roleArn(arn);
                case "principalArn" -> builder.principalArn(arn);
                default -> builder.consumerPrincipalArn(arn);
            }
            org.assertj.core.api.Assertions.assertThatThrownBy(builder::build)
                    .as(principal)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(arn + " is in partition aws, but region cn-north-1 is in partition aws-cn");
        }
    }
}
