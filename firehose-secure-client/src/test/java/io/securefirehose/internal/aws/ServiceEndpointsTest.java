package io.securefirehose.internal.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
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
}
