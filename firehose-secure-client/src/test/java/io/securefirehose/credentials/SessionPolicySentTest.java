package io.securefirehose.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.posture.SecurityPosture;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.TrustMaterial;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The session policy the producer really sends with {@code sts:AssumeRole}, for each configuration, compared with
 * the reviewed golden files (not with the generator's own output). VPC endpoint names pass the build-time check
 * through an injected resolver (loopback); no record is sent, the test only watches STS.
 */
class SessionPolicySentTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/producer";
    private static final String FIREHOSE_VPCE = "vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.us-east-1.vpce.amazonaws.com";
    private static final String KMS_VPCE = "vpce-0123456789abcdef0-abcdefgh.kms.us-east-1.vpce.amazonaws.com";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private final LocalFirehose server =
            resources.add(LocalFirehose.builder().accountId("111122223333").stream("orders")
                    .role(ROLE)
                    .start());

    private ProducerBuilder settings() {
        return SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(server.region())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .assumeRole(AssumeRole.role(ROLE).stsEndpoint(server.endpoint()).build());
    }

    private static ProducerBuilder throughVpcEndpoints(ProducerBuilder builder) {
        return builder.allowedCidrs("127.0.0.0/8").hostResolver(host -> List.of(InetAddress.getLoopbackAddress()));
    }

    private String sentPolicy(UnaryOperator<ProducerBuilder> configuration) {
        SecureFirehoseProducer producer = configuration.apply(settings()).build();
        resources.add(() -> producer.close(Duration.ZERO));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> !server.assumeRoleRequests().isEmpty());
        return server.assumeRoleRequests().get(0).policy();
    }

    private static String golden(String name) throws IOException {
        return io.securefirehose.internal.text.JsonText.minify(LeastPrivilegePoliciesTest.golden(name));
    }

    @Test
    void theMinimalSessionAllowsPutsIntoTheStreamOnly() throws IOException {
        assertThat(sentPolicy(b -> b.endpoint(server.endpoint()))).isEqualTo(golden("session-minimal.json"));
    }

    @Test
    void throughAFirehoseVpcEndpointTheSessionWorksOnlyFromIt() throws IOException {
        assertThat(sentPolicy(b -> throughVpcEndpoints(b.vpcEndpoint(FIREHOSE_VPCE))))
                .isEqualTo(golden("session-firehose-vpce.json"));
    }

    @Test
    void withPrivateDnsTheNamedEndpointIdIsRequired() throws IOException {
        assertThat(sentPolicy(b -> throughVpcEndpoints(b.privateDns("vpce-0a1b2c3d4e5f67890"))))
                .isEqualTo(golden("session-firehose-vpce.json"));
    }

    @Test
    void withEncryptionTheSessionMayGenerateDataKeysOfThisStreamWithTheKey() throws IOException {
        assertThat(sentPolicy(b -> b.endpoint(server.endpoint())
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey(LeastPrivilegePoliciesTest.SESSION_KEY)
                                .kmsEndpoint(server.endpoint())
                                .build())))
                .isEqualTo(golden("session-kms.json"));
    }

    @Test
    void throughFirehoseAndKmsVpcEndpointsEachStatementRequiresItsEndpoint() throws IOException {
        assertThat(sentPolicy(b -> throughVpcEndpoints(b.vpcEndpoint(FIREHOSE_VPCE)
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey(LeastPrivilegePoliciesTest.SESSION_KEY)
                                .kmsVpcEndpoint(KMS_VPCE)
                                .build()))))
                .isEqualTo(golden("session-kms-both-vpce.json"));
    }

    @Test
    void thePostureCheckSessionMayAlsoDescribeTheStream() throws IOException {
        SecurityPosture.check(settings().endpoint(server.endpoint()).buildConfig());
        assertThat(server.assumeRoleRequests().get(0).policy()).isEqualTo(golden("session-describe.json"));
    }

    // The posture check through a VPC endpoint goes end to end in VpcEndpointEndToEndTest.
}
