package io.securefirehose.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.crypto.EnvelopeEncryption;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * The library's hints, taken from the messages it really throws, come out of the tool naming its flags: a user of
 * the tool never sets {@code EnvelopeEncryption.Builder.streamArn(...)}.
 */
class FlagNamesTest {

    private static ProducerBuilder producer() {
        return SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "x")));
    }

    private static String toolMessage(Runnable build) {
        Throwable failure = catchThrowable(build::run);
        assertThat(failure).isNotNull();
        return FailureSummary.describe(failure);
    }

    @Test
    void aMissingStreamArnForEncryptionNamesStreamArnAndRoleArn() {
        String message = toolMessage(() -> producer()
                .envelopeEncryption(EnvelopeEncryption.withKmsKey("arn:aws:kms:us-east-1:111122223333:key/abc")
                        .build())
                .buildConfig());

        assertThat(message)
                .contains(
                        "set --stream-arn arn:aws:firehose:us-east-1:<account>:deliverystream/orders or use --role-arn")
                .doesNotContain("EnvelopeEncryption.Builder")
                .doesNotContain("assumeRole(");
    }

    @Test
    void anEndpointOutsideTheAllowedRangesNamesAllowCidr() {
        // Verified at build(): localhost resolves to loopback, outside the range.
        String message = toolMessage(() -> producer()
                .endpoint(URI.create("https://localhost:1"))
                .allowedCidrs("10.0.0.0/8")
                .build()
                .close());

        assertThat(message)
                .contains("allow the VPC's own CIDRs with --allow-cidr")
                .doesNotContain("allowedCidrs(");
    }

    @Test
    void conflictingEndpointsNameBothFlags() {
        String message = toolMessage(() -> producer()
                .endpoint(URI.create("https://localhost:1"))
                .vpcEndpoint("vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.us-east-1.vpce.amazonaws.com")
                .buildConfig());

        assertThat(message)
                .contains("--vpc-endpoint conflicts with --endpoint https://localhost:1")
                .doesNotContain("endpoint(");
    }

    @Test
    void fipsRefusalsNameTheFipsFlag() {
        String message = toolMessage(
                () -> producer().region("eu-west-1").fipsEnabled(true).buildConfig());

        assertThat(message)
                .startsWith("--fips: firehose has no FIPS endpoint in eu-west-1")
                .doesNotContain("fipsEnabled");
        assertThat(FlagNames.translate("KmsDataKeyDecrypter.Builder.fipsEnabled: kms has no FIPS endpoint"))
                .isEqualTo("--fips: kms has no FIPS endpoint");
    }

    @Test
    void dualStackRefusalsNameTheDualStackFlag() {
        assertThat(FlagNames.translate("dualStackEnabled: the AWS SDK's endpoint rules name no dual-stack endpoint"))
                .isEqualTo("--dual-stack: the AWS SDK's endpoint rules name no dual-stack endpoint");
    }

    @Test
    void theTrustHintNamesTrustPemAndOtherTextIsLeftAlone() {
        assertThat(FlagNames.translate("(trust its certificate authority with trustMaterial, or fix the certificate)"))
                .isEqualTo("(trust its certificate authority with --trust-pem, or fix the certificate)");
        assertThat(FlagNames.translate("record of 2000000 bytes is larger than the 1024000-byte limit"))
                .isEqualTo("record of 2000000 bytes is larger than the 1024000-byte limit");
    }
}
