package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.transport.TlsPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Dual-stack endpoints (the builder's option or the AWS SDK's setting) and FIPS asked for by one service only
 * ({@code AssumeRole.Builder.fipsEnabled}, {@code EnvelopeEncryption.Builder.fipsEnabled}): the names come from the
 * SDK's endpoint rules, STS and KMS calls go to them (seen through the failure listener: the names do not resolve in
 * the tests' JVM), and a service that asks for FIPS gets the FIPS TLS policy on its own connection.
 */
class EndpointVariantsTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/r";
    private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String STREAM = "arn:aws:firehose:us-east-1:111122223333:deliverystream/orders";

    private static ProducerBuilder producer(String region) {
        return SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(region)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")));
    }

    private static EnvelopeEncryption.Builder encryption() {
        return EnvelopeEncryption.withKmsKey(KEY).streamArn(STREAM);
    }

    /** Builds the producer and returns the first failed call of {@code service}: where it went. */
    private static URI firstCallOf(ServiceFailure.Service service, ProducerBuilder builder) throws Exception {
        BlockingQueue<ServiceFailure> failures = new LinkedBlockingQueue<>();
        try (SecureFirehoseProducer producer =
                builder.serviceFailureListener(failures::add).build()) {
            for (int i = 0; i < 10; i++) {
                ServiceFailure failure = failures.poll(30, TimeUnit.SECONDS);
                assertThat(failure).as("a failed " + service + " call").isNotNull();
                if (failure.service() == service) {
                    producer.close(Duration.ZERO);
                    return failure.endpoint();
                }
            }
            throw new AssertionError("no " + service + " call among the first ten failures");
        }
    }

    @ParameterizedTest(name = "{0}, FIPS {1}")
    @CsvSource({
        "us-east-1, false, https://firehose.us-east-1.api.aws",
        "us-east-1, true, https://firehose-fips.us-east-1.api.aws",
        "cn-north-1, false, https://firehose.cn-north-1.api.amazonwebservices.com.cn",
        "us-gov-west-1, true, https://firehose-fips.us-gov-west-1.api.aws"
    })
    void dualStackTakesTheEndpointRulesDualStackName(String region, boolean fips, String expected) {
        ProducerConfig config =
                producer(region).dualStackEnabled(true).fipsEnabled(fips).buildConfig();
        assertThat(config.dualStackEnabled()).isTrue();
        assertThat(config.firehoseEndpoint()).isEqualTo(URI.create(expected));
    }

    @Test
    void dualStackIsOffByDefaultAndPrivateDnsKeepsTheStandardName() {
        assertThat(producer("us-east-1").buildConfig().firehoseEndpoint())
                .isEqualTo(URI.create("https://firehose.us-east-1.amazonaws.com"));
        assertThat(producer("us-east-1")
                        .dualStackEnabled(true)
                        .privateDns()
                        .buildConfig()
                        .firehoseEndpoint())
                .as("a VPC endpoint's private DNS answers the standard name")
                .isEqualTo(URI.create("https://firehose.us-east-1.amazonaws.com"));
        assertThat(producer("us-east-1")
                        .fipsEnabled(true)
                        .dualStackEnabled(true)
                        .privateDns()
                        .buildConfig()
                        .firehoseEndpoint())
                .as("with FIPS, the FIPS name a FIPS VPC endpoint's private DNS answers")
                .isEqualTo(URI.create("https://firehose-fips.us-east-1.amazonaws.com"));
        assertThat(producer("us-east-1")
                        .dualStackEnabled(true)
                        .endpoint(URI.create("https://localhost:1"))
                        .buildConfig()
                        .firehoseEndpoint())
                .as("an explicit endpoint is used as given")
                .isEqualTo(URI.create("https://localhost:1"));
    }

    @Test
    void theSdksSettingCanTurnDualStackOnButNeverOff() {
        String before = System.getProperty("aws.useDualstackEndpoint");
        try {
            System.setProperty("aws.useDualstackEndpoint", "true");
            assertThat(producer("us-east-1")
                            .dualStackEnabled(false)
                            .buildConfig()
                            .firehoseEndpoint())
                    .isEqualTo(URI.create("https://firehose.us-east-1.api.aws"));
            System.setProperty("aws.useDualstackEndpoint", "false");
            assertThat(producer("us-east-1")
                            .dualStackEnabled(true)
                            .buildConfig()
                            .dualStackEnabled())
                    .isTrue();
        } finally {
            if (before == null) {
                System.clearProperty("aws.useDualstackEndpoint");
            } else {
                System.setProperty("aws.useDualstackEndpoint", before);
            }
        }
    }

    @Test
    void stsAndKmsAreCalledAtTheirDualStackNames() throws Exception {
        assertThat(firstCallOf(
                        ServiceFailure.Service.STS,
                        producer("us-east-1")
                                .dualStackEnabled(true)
                                .endpoint(URI.create("https://localhost:1"))
                                .assumeRole(AssumeRole.role(ROLE).build())))
                .isEqualTo(URI.create("https://sts.us-east-1.api.aws"));
        assertThat(firstCallOf(
                        ServiceFailure.Service.KMS,
                        producer("us-east-1")
                                .dualStackEnabled(true)
                                .endpoint(URI.create("https://localhost:1"))
                                .envelopeEncryption(encryption().build())))
                .isEqualTo(URI.create("https://kms.us-east-1.api.aws"));
    }

    @Test
    void aRoleThatAsksForFipsCallsStsAtItsFipsNameAloneAndIsRefusedWhereThereIsNone() throws Exception {
        assertThat(firstCallOf(
                        ServiceFailure.Service.STS,
                        producer("us-east-1")
                                .tlsPolicy(TlsPolicy.TLS13_ONLY)
                                .endpoint(URI.create("https://localhost:1"))
                                .assumeRole(
                                        AssumeRole.role(ROLE).fipsEnabled(true).build())))
                .isEqualTo(URI.create("https://sts-fips.us-east-1.amazonaws.com"));
        ProducerConfig config = producer("us-east-1")
                .assumeRole(AssumeRole.role(ROLE).fipsEnabled(true).build())
                .buildConfig();
        assertThat(config.fipsEnabled()).as("only the role asked").isFalse();
        assertThat(config.firehoseEndpoint()).isEqualTo(URI.create("https://firehose.us-east-1.amazonaws.com"));
        assertThat(config.tlsPolicy()).isSameAs(TlsPolicy.MODERN);

        assertThatThrownBy(() -> producer("eu-west-1")
                        .assumeRole(AssumeRole.role(ROLE).fipsEnabled(true).build())
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AssumeRole.Builder.fipsEnabled: sts has no FIPS endpoint in eu-west-1");
    }

    @Test
    void encryptionThatAsksForFipsCallsKmsAtItsFipsNameAloneAndIsRefusedWhereThereIsNone() throws Exception {
        assertThat(firstCallOf(
                        ServiceFailure.Service.KMS,
                        producer("us-east-1")
                                .tlsPolicy(TlsPolicy.TLS13_ONLY)
                                .endpoint(URI.create("https://localhost:1"))
                                .envelopeEncryption(
                                        encryption().fipsEnabled(true).build())))
                .isEqualTo(URI.create("https://kms-fips.us-east-1.amazonaws.com"));

        assertThatThrownBy(() -> producer("cn-north-1")
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/orders")
                                .streamArn("arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/orders")
                                .fipsEnabled(true)
                                .build())
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("EnvelopeEncryption.Builder.fipsEnabled: kms has no FIPS endpoint in cn-north-1");
    }

    /**
     * The tests' default JVM offers x25519 in its ClientHello, which {@link TlsPolicy#FIPS} does not allow: a
     * producer whose role or encryption alone asks for FIPS is refused at build, because that one connection is
     * held to the FIPS policy while the producer's own stays {@code MODERN}.
     */
    @Test
    void theServiceThatAsksForFipsGetsTheFipsPolicyOnItsOwnConnection() {
        assertThatThrownBy(() -> producer("us-east-1")
                        .endpoint(URI.create("https://localhost:1"))
                        .assumeRole(AssumeRole.role(ROLE).fipsEnabled(true).build())
                        .build())
                .isInstanceOf(TlsPolicyViolationException.class)
                .hasMessageContaining("-Djdk.tls.namedGroups=secp256r1,secp384r1,secp521r1");
        assertThatThrownBy(() -> producer("us-east-1")
                        .endpoint(URI.create("https://localhost:1"))
                        .envelopeEncryption(encryption().fipsEnabled(true).build())
                        .build())
                .isInstanceOf(TlsPolicyViolationException.class)
                .hasMessageContaining("-Djdk.tls.namedGroups=secp256r1,secp384r1,secp521r1");
        TlsPolicy withChaCha =
                TlsPolicy.MODERN.narrow(List.of("TLSv1.2"), List.of("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"));
        assertThatThrownBy(() -> producer("us-east-1")
                        .tlsPolicy(withChaCha)
                        .assumeRole(AssumeRole.role(ROLE).fipsEnabled(true).build())
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AssumeRole.Builder.fipsEnabled")
                .hasMessageContaining("also allows suites FIPS does not");
    }

    @Test
    void theDecrypterTakesKmsDualStackName() throws Exception {
        try (KmsDataKeyDecrypter decrypter = KmsDataKeyDecrypter.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .dualStackEnabled(true)
                .requestTimeout(Duration.ofSeconds(20))
                .build()) {
            assertThatThrownBy(() -> decrypter.decrypt(new byte[] {1}, Map.of("k", "v")))
                    .as("the unresolvable name is the dual-stack one")
                    .hasStackTraceContaining("kms.us-east-1.api.aws");
        }
    }
}
