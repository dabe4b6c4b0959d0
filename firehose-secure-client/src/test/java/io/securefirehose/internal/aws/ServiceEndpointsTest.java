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
        "us-gov-west-1,amazonaws.com"
    })
    void eachServiceGetsItsRegionalHttpsEndpointInThePartitionsDomain(String region, String domain) {
        Region of = Region.of(region);
        assertThat(ServiceEndpoints.firehose(of)).isEqualTo(URI.create("https://firehose." + region + "." + domain));
        assertThat(ServiceEndpoints.kms(of)).isEqualTo(URI.create("https://kms." + region + "." + domain));
        // Regional even in us-east-1, where the SDK's legacy default would be the global sts.amazonaws.com.
        assertThat(ServiceEndpoints.sts(of)).isEqualTo(URI.create("https://sts." + region + "." + domain));
    }
}
