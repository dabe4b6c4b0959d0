package io.securefirehose.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.regions.Region;

/** The regional endpoints come from the AWS SDK's endpoint rules: the partition's domain, https, STS regional. */
class ServiceEndpointsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "us-east-1,amazonaws.com",
        "eu-west-1,amazonaws.com",
        "cn-north-1,amazonaws.com.cn",
        "us-gov-west-1,amazonaws.com",
        "us-iso-east-1,c2s.ic.gov",
        "us-isob-east-1,sc2s.sgov.gov"
    })
    void eachServiceGetsItsRegionalHttpsEndpointInThePartitionsDomain(String region, String domain) {
        Region of = Region.of(region);
        assertThat(ServiceEndpoints.firehose(of)).isEqualTo(URI.create("https://firehose." + region + "." + domain));
        assertThat(ServiceEndpoints.kms(of)).isEqualTo(URI.create("https://kms." + region + "." + domain));
        // Regional even in us-east-1, where the SDK's legacy default would be the global sts.amazonaws.com.
        assertThat(ServiceEndpoints.sts(of)).isEqualTo(URI.create("https://sts." + region + "." + domain));
    }

    @ParameterizedTest(name = "{0} is in {1}, names end in {2}")
    @CsvSource({
        "eu-west-1,aws,amazonaws.com",
        "cn-northwest-1,aws-cn,amazonaws.com.cn",
        "us-gov-east-1,aws-us-gov,amazonaws.com",
        "us-iso-east-1,aws-iso,c2s.ic.gov",
        "us-isob-east-1,aws-iso-b,sc2s.sgov.gov"
    })
    void partitionsAndTheirDnsSuffixesComeFromTheSdk(String region, String partition, String suffix) {
        assertThat(AwsNames.partitionOf(region)).isEqualTo(partition);
        assertThat(AwsNames.dnsSuffixOf(region)).isEqualTo(suffix);
        assertThat(AwsNames.ROLE_ARN
                        .matcher("arn:" + partition + ":iam::111122223333:role/r")
                        .matches())
                .isTrue();
        assertThat(AwsNames.STREAM_ARN
                        .matcher("arn:" + partition + ":firehose:" + region + ":111122223333:deliverystream/s")
                        .matches())
                .isTrue();
    }

    @ParameterizedTest(name = "{0} in {1}: {2}")
    @CsvSource({
        "firehose,us-east-1,https://firehose-fips.us-east-1.amazonaws.com",
        "sts,us-west-2,https://sts-fips.us-west-2.amazonaws.com",
        "kms,eu-west-1,https://kms-fips.eu-west-1.amazonaws.com",
        "kms,us-isob-east-1,https://kms-fips.us-isob-east-1.sc2s.sgov.gov"
    })
    void fipsEndpointsComeFromTheEndpointRulesWhereTheMetadataListsThem(String service, String region, String url) {
        Region of = Region.of(region);
        ServiceEndpoints.requireFips(service, of, "fipsEnabled");
        URI endpoint = switch (service) {
            case "firehose" -> ServiceEndpoints.firehose(of, true);
            case "sts" -> ServiceEndpoints.sts(of, true);
            default -> ServiceEndpoints.kms(of, true);
        };
        assertThat(endpoint).isEqualTo(URI.create(url));
    }

    @Test
    void noFipsEndpointWhereTheMetadataListsNone() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ServiceEndpoints.requireFips("firehose", Region.CN_NORTH_1, "fipsEnabled"))
                .hasMessageContaining("firehose has no FIPS endpoint in cn-north-1");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ServiceEndpoints.requireFips("sts", Region.US_ISO_EAST_1, "fipsEnabled"))
                .hasMessageContaining("sts has no FIPS endpoint in us-iso-east-1");
    }

    @Test
    void theSdksProfileSettingCanTurnFipsOn() {
        software.amazon.awssdk.profiles.ProfileFile on = software.amazon.awssdk.profiles.ProfileFile.builder()
                .content(new java.io.ByteArrayInputStream(
                        "[profile fips]\nuse_fips_endpoint = true\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .type(software.amazon.awssdk.profiles.ProfileFile.Type.CONFIGURATION)
                .build();
        assertThat(FipsSettings.sdkAsks(() -> on, "fips")).isTrue();
        assertThat(FipsSettings.sdkAsks(() -> on, "default")).isFalse();
    }

    @ParameterizedTest(name = "{0} in {1}, FIPS {2}: {3}")
    @CsvSource({
        "firehose,us-east-1,false,https://firehose.us-east-1.api.aws",
        "sts,us-east-1,true,https://sts-fips.us-east-1.api.aws",
        "kms,cn-north-1,false,https://kms.cn-north-1.api.amazonwebservices.com.cn",
        "firehose,us-gov-west-1,true,https://firehose-fips.us-gov-west-1.api.aws",
        "sts,us-iso-east-1,false,https://sts.us-iso-east-1.api.aws.ic.gov",
        "kms,us-isob-east-1,true,https://kms-fips.us-isob-east-1.api.aws.scloud"
    })
    void dualStackEndpointsComeFromTheEndpointRulesInEveryPartition(
            String service, String region, boolean fips, String url) {
        assertThat(ServiceEndpoints.requireDefault(service, Region.of(region), fips, true, "fipsEnabled"))
                .isEqualTo(URI.create(url));
    }

    @Test
    void anEndpointTheRulesRefuseIsRefusedNamingTheServiceRegionAndOption() {
        java.util.concurrent.CompletableFuture<software.amazon.awssdk.endpoints.Endpoint> refused =
                java.util.concurrent.CompletableFuture.failedFuture(
                        software.amazon.awssdk.core.exception.SdkClientException.create(
                                "DualStack is enabled but this partition does not support DualStack"));
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> ServiceEndpoints.https("firehose", Region.US_ISO_EAST_1, true, refused))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no dual-stack endpoint of firehose in us-iso-east-1")
                .hasMessageContaining("does not support DualStack")
                .hasMessageContaining("turn dual-stack off");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ServiceEndpoints.requireDefault(
                        "firehose", Region.of("us-east-1_x"), false, true, "fipsEnabled"))
                .as("whatever the rules give that is not an https host is refused, naming the option")
                .hasMessageStartingWith("dualStackEnabled: ");
    }

    @Test
    void theSdksProfileSettingCanTurnDualStackOn() {
        software.amazon.awssdk.profiles.ProfileFile on = software.amazon.awssdk.profiles.ProfileFile.builder()
                .content(new java.io.ByteArrayInputStream("[profile v6]\nuse_dualstack_endpoint = true\n"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .type(software.amazon.awssdk.profiles.ProfileFile.Type.CONFIGURATION)
                .build();
        assertThat(DualStackSettings.sdkAsks(() -> on, "v6")).isTrue();
        assertThat(DualStackSettings.sdkAsks(() -> on, "default")).isFalse();
    }
}
