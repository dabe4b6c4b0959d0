package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.transport.TlsPolicy;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * {@code fipsEnabled(true)} selects the FIPS endpoints the AWS SDK's endpoint rules name, where its endpoint metadata
 * lists one, refuses at build a service the producer needs that has none in the region, and reaches FIPS endpoints
 * under {@link TlsPolicy#FIPS} unless {@code TLS13_ONLY} is chosen. Nothing here connects.
 */
class FipsEndpointsTest {

    private static ProducerBuilder producer(String region) {
        return SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(region)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .fipsEnabled(true);
    }

    @Test
    void theFirehoseEndpointIsTheFipsOneAndThePolicyIsFips() {
        ProducerConfig config = producer("us-east-1").buildConfig();
        assertThat(config.fipsEnabled()).isTrue();
        assertThat(config.firehoseEndpoint()).isEqualTo(URI.create("https://firehose-fips.us-east-1.amazonaws.com"));
        assertThat(config.tlsPolicy()).isSameAs(TlsPolicy.FIPS);
        assertThat(producer("us-gov-west-1").buildConfig().firehoseEndpoint())
                .isEqualTo(URI.create("https://firehose-fips.us-gov-west-1.amazonaws.com"));
        assertThat(producer("us-east-1")
                        .tlsPolicy(TlsPolicy.TLS13_ONLY)
                        .buildConfig()
                        .tlsPolicy())
                .isSameAs(TlsPolicy.TLS13_ONLY);
        assertThat(SecureFirehoseProducer.builder()
                        .deliveryStream("orders")
                        .region("us-east-1")
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .buildConfig()
                        .firehoseEndpoint())
                .as("off by default")
                .isEqualTo(URI.create("https://firehose.us-east-1.amazonaws.com"));
    }

    @Test
    void aServiceWithoutAFipsEndpointInTheRegionIsRefusedAtBuildNamingIt() {
        assertThatThrownBy(() -> producer("eu-west-1").buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("fipsEnabled: firehose has no FIPS endpoint in eu-west-1")
                .hasMessageContaining("us-east-1");
        assertThatThrownBy(() -> producer("eu-west-1")
                        .endpoint(URI.create("https://localhost:1"))
                        .assumeRole(AssumeRole.role("arn:aws:iam::111122223333:role/r")
                                .build())
                        .buildConfig())
                .as("STS at its default endpoint")
                .hasMessageContaining("sts has no FIPS endpoint in eu-west-1");
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream("orders")
                        .region("eu-west-1")
                        .fipsEnabled(true)
                        .endpoint(URI.create("https://localhost:1"))
                        .webIdentity(io.securefirehose.credentials.WebIdentity.role("arn:aws:iam::111122223333:role/r")
                                .tokenFile(java.nio.file.Path.of("token"))
                                .build())
                        .buildConfig())
                .as("a web identity's STS at its default endpoint")
                .hasMessageContaining("sts has no FIPS endpoint in eu-west-1");
        assertThat(producer("eu-west-1")
                        .endpoint(URI.create("https://localhost:1"))
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/orders")
                                .streamArn("arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders")
                                .build())
                        .buildConfig()
                        .fipsEnabled())
                .as("KMS has a FIPS endpoint in eu-west-1; an explicit Firehose endpoint is used as given")
                .isTrue();
        assertThatThrownBy(() -> KmsDataKeyDecrypter.builder()
                        .region(Region.CN_NORTH_1)
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .fipsEnabled(true)
                        .build())
                .hasMessageContaining("kms has no FIPS endpoint in cn-north-1");
    }

    @Test
    void aPolicyNarrowedWithinFipsSuitesKeepsThemAndTakesTheNistCurves() {
        TlsPolicy gcmOnly =
                TlsPolicy.MODERN.narrow(List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"));
        TlsPolicy used = producer("us-east-1").tlsPolicy(gcmOnly).buildConfig().tlsPolicy();
        assertThat(used.protocols()).containsExactly("TLSv1.2");
        assertThat(used.cipherSuites()).containsExactly("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");
        assertThat(used.namedGroups()).isEqualTo(TlsPolicy.FIPS.namedGroups());
    }

    @Test
    void aNarrowedPolicyWithSuitesOutsideFipsIsRefused() {
        TlsPolicy withChaCha =
                TlsPolicy.MODERN.narrow(List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
        assertThatThrownBy(() -> producer("us-east-1").tlsPolicy(withChaCha).buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("also allows suites FIPS does not");
    }

    @Test
    void buildingInAJvmWhoseTlsOffersOtherGroupsIsRefusedNamingTheFix() {
        assertThatThrownBy(() -> producer("us-east-1").build())
                .isInstanceOf(TlsPolicyViolationException.class)
                .hasMessageContaining("-Djdk.tls.namedGroups=secp256r1,secp384r1,secp521r1");
    }

    @Test
    void theSdksSettingCanTurnFipsOnButNeverOff() {
        String before = System.getProperty("aws.useFipsEndpoint");
        try {
            System.setProperty("aws.useFipsEndpoint", "true");
            assertThat(producer("us-east-1").fipsEnabled(false).buildConfig().fipsEnabled())
                    .isTrue();
            System.setProperty("aws.useFipsEndpoint", "false");
            assertThat(producer("us-east-1").buildConfig().fipsEnabled()).isTrue();
        } finally {
            if (before == null) {
                System.clearProperty("aws.useFipsEndpoint");
            } else {
                System.setProperty("aws.useFipsEndpoint", before);
            }
        }
    }

    /**
     * STS and KMS are called at their FIPS names: the names do not resolve in the tests' JVM, and the failure
     * listener reports where each call went. (TLS13_ONLY, so the JVM's key exchange groups do not matter here.)
     */
    @Test
    void stsAndKmsAreCalledAtTheirFipsEndpoints() throws Exception {
        java.util.concurrent.BlockingQueue<ServiceFailure> failures = new java.util.concurrent.LinkedBlockingQueue<>();
        try (SecureFirehoseProducer withRole = producer("us-east-1")
                .endpoint(URI.create("https://localhost:1"))
                .tlsPolicy(TlsPolicy.TLS13_ONLY)
                .assumeRole(AssumeRole.role("arn:aws:iam::111122223333:role/r").build())
                .serviceFailureListener(failures::add)
                .build()) {
            ServiceFailure sts = failures.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(sts).isNotNull();
            assertThat(sts.service()).isEqualTo(ServiceFailure.Service.STS);
            assertThat(sts.endpoint()).isEqualTo(URI.create("https://sts-fips.us-east-1.amazonaws.com"));
            withRole.close(java.time.Duration.ZERO);
        }
        failures.clear();
        try (SecureFirehoseProducer encrypting = producer("us-east-1")
                .endpoint(URI.create("https://localhost:1"))
                .credentialsProvider(software.amazon.awssdk.auth.credentials.StaticCredentialsProvider.create(
                        software.amazon.awssdk.auth.credentials.AwsBasicCredentials.create(
                                "AKIDEXAMPLE", "not-a-secret")))
                .tlsPolicy(TlsPolicy.TLS13_ONLY)
                .envelopeEncryption(EnvelopeEncryption.withKmsKey(
                                "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab")
                        .streamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/orders")
                        .build())
                .serviceFailureListener(failures::add)
                .build()) {
            ServiceFailure kms = failures.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(kms).isNotNull();
            assertThat(kms.service()).isEqualTo(ServiceFailure.Service.KMS);
            assertThat(kms.endpoint()).isEqualTo(URI.create("https://kms-fips.us-east-1.amazonaws.com"));
            encrypting.close(java.time.Duration.ZERO);
        }
    }
}
