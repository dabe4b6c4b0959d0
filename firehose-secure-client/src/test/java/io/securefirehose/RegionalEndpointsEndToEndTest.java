package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeDecryptor;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.internal.aws.ServiceEndpoints;
import io.securefirehose.testkit.CapturedKmsCall;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.regions.Region;

/**
 * A China region and a FIPS endpoint end to end: the Firehose, STS and KMS names come from the AWS SDK's endpoint
 * rules ({@link ServiceEndpoints}), the JVM resolves them to loopback (the execution {@code fips-groups-jvm}'s hosts
 * file, {@code src/test/regional-hosts}), and a local endpoint whose certificate names only them checks every
 * signature against the region. The local endpoint cannot listen on 443, so each name is given with its port.
 */
@Tag("fips-groups-jvm")
class RegionalEndpointsEndToEndTest {

    private static final String ACCOUNT = "111122223333";
    private static final String KEY_ID = "5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private record Names(URI firehose, URI sts, URI kms) {
        static Names of(Region region, boolean fips) {
            return new Names(
                    ServiceEndpoints.firehose(region, fips),
                    ServiceEndpoints.sts(region, fips),
                    ServiceEndpoints.kms(region, fips));
        }
    }

    private static URI onPort(URI endpoint, int port) {
        return URI.create("https://" + endpoint.getHost() + ":" + port);
    }

    private LocalFirehose server(String region, String role, String... certificateNames) {
        return resources.add(LocalFirehose.builder().region(region).accountId(ACCOUNT).stream("orders")
                .role(role)
                .kmsKey(KEY_ID)
                .certificateHostNames(certificateNames)
                .start());
    }

    private SecureFirehoseProducer producer(
            LocalFirehose server, Names names, String role, boolean fips, TlsPolicy policy) {
        int port = server.port();
        SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(server.region())
                .fipsEnabled(fips)
                .tlsPolicy(policy)
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .endpoint(onPort(names.firehose(), port))
                .assumeRole(AssumeRole.role(role)
                        .stsEndpoint(onPort(names.sts(), port))
                        .build())
                .envelopeEncryption(EnvelopeEncryption.withKmsKey(server.kmsKeyArn(KEY_ID))
                        .kmsEndpoint(onPort(names.kms(), port))
                        .build())
                .linger(Duration.ZERO)
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    @ParameterizedTest(name = "{0}, FIPS {1}")
    @CsvSource({"cn-north-1, false, aws-cn, .amazonaws.com.cn", "us-east-1, true, aws, -fips.us-east-1.amazonaws.com"})
    void aRecordGoesThroughTheRegionsOwnNamesSignedForItsRegionAndDecryptsThere(
            String region, boolean fips, String partition, String nameEnding) throws Exception {
        Names names = Names.of(Region.of(region), fips);
        assertThat(names.firehose().getHost()).endsWith(nameEnding);
        assertThat(names.sts().getHost()).endsWith(nameEnding);
        assertThat(names.kms().getHost()).endsWith(nameEnding);
        String role = "arn:" + partition + ":iam::" + ACCOUNT + ":role/producer";
        LocalFirehose server = server(
                region,
                role,
                names.firehose().getHost(),
                names.sts().getHost(),
                names.kms().getHost());

        SecureFirehoseProducer producer = producer(server, names, role, fips, TlsPolicy.MODERN);
        producer.send("card 4111".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        producer.close();

        String streamArn = "arn:" + partition + ":firehose:" + region + ":" + ACCOUNT + ":deliverystream/orders";
        String keyArn = "arn:" + partition + ":kms:" + region + ":" + ACCOUNT + ":key/" + KEY_ID;
        assertThat(server.assumeRoleRequests())
                .singleElement()
                .satisfies(call -> assertThat(call.policy()).contains(streamArn).contains(keyArn));
        assertThat(server.kmsRequests()).extracting(CapturedKmsCall::operation).containsExactly("GenerateDataKey");
        assertThat(server.records("orders")).singleElement().satisfies(stored -> {
            assertThat(new String(stored.data(), UTF_8)).doesNotContain("4111");
            assertThat(decryptor(server, names, fips, streamArn).decryptAll(stored.data()))
                    .singleElement()
                    .satisfies(record -> assertThat(new String(record, UTF_8)).isEqualTo("card 4111"));
        });
        assertThat(server.kmsRequests())
                .extracting(CapturedKmsCall::operation)
                .containsExactly("GenerateDataKey", "Decrypt");
    }

    private EnvelopeDecryptor decryptor(LocalFirehose server, Names names, boolean fips, String streamArn) {
        KmsDataKeyDecrypter kms = KmsDataKeyDecrypter.builder()
                .region(Region.of(server.region()))
                .fipsEnabled(fips)
                .endpoint(onPort(names.kms(), server.port()))
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .build();
        resources.add(kms);
        EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                .expectedStreamArn(streamArn)
                .dataKeys(kms)
                .build();
        resources.add(decryptor);
        return decryptor;
    }

    @Test
    void aCertificateForTheStandardNameIsRefusedAtTheFipsName() throws Exception {
        Names fips = Names.of(Region.US_EAST_1, true);
        Names standard = Names.of(Region.US_EAST_1, false);
        String role = "arn:aws:iam::" + ACCOUNT + ":role/producer";
        LocalFirehose server = server(
                "us-east-1",
                role,
                standard.firehose().getHost(),
                standard.sts().getHost(),
                standard.kms().getHost());

        SecureFirehoseProducer producer = producer(server, fips, role, true, TlsPolicy.MODERN);
        Throwable failure;
        try {
            producer.send("never sent".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
            throw new AssertionError("the record was delivered");
        } catch (ExecutionException e) {
            failure = e.getCause();
        }

        // The data key waits for the session, whose STS call met the certificate first.
        assertThat(failure)
                .isInstanceOf(io.securefirehose.errors.EncryptionFailedException.class)
                .hasMessageContaining(TlsPolicyViolationException.class.getSimpleName())
                .hasMessageContaining(
                        "No subject alternative DNS name matching " + fips.sts().getHost());
        assertThat(server.requests()).isEmpty();
        assertThat(server.assumeRoleRequests()).isEmpty();
    }
}
