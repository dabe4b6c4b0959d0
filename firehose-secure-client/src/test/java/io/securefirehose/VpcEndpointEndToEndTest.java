package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TrustMaterial;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code vpcEndpoint(...)} and {@code privateDns(id)} end to end: {@code build()} resolves the name through the
 * injected resolver, verifies the addresses and pins them; the record then goes over TLS checked against the VPC
 * endpoint's name, to the pinned address only, signed by a session whose policy requires that VPC endpoint, to a
 * local endpoint that enforces it. Runs in the surefire execution {@code vpce-hosts-jvm}, whose hosts file
 * ({@code src/test/vpce-hosts}) resolves those names to loopback; the local endpoint cannot listen on 443, so the
 * port alone is moved ({@code connectPortForTests}).
 */
@Tag("vpce-hosts-jvm")
class VpcEndpointEndToEndTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/producer";
    private static final String VPCE_ID = "vpce-0a1b2c3d4e5f67890";
    private static final String VPCE_NAME = VPCE_ID + "-abcdefgh.firehose.us-east-1.vpce.amazonaws.com";
    private static final String PRIVATE_DNS_NAME = "firehose.us-east-1.amazonaws.com";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private final List<String> lookups = new CopyOnWriteArrayList<>();

    private LocalFirehose server(String certificateName, String sourceVpce) {
        return resources.add(LocalFirehose.builder().accountId("111122223333").stream("orders")
                .role(ROLE)
                .certificateHostNames(certificateName, "localhost")
                .sourceVpce("firehose", sourceVpce)
                .start());
    }

    /** Answers {@code address} for the VPC endpoint's name; the local STS (localhost) stays on 127.0.0.1. */
    private HostResolver answering(String address) {
        return host -> {
            lookups.add(host);
            return List.of(InetAddress.getByName(host.equals("localhost") ? "127.0.0.1" : address));
        };
    }

    private ProducerBuilder producer(LocalFirehose server, HostResolver resolver) {
        return SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(server.region())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .assumeRole(AssumeRole.role(ROLE).stsEndpoint(server.endpoint()).build())
                .hostResolver(resolver)
                .allowedCidrs("127.0.0.0/8")
                .linger(Duration.ZERO)
                .connectPortForTests(server.port());
    }

    private SecureFirehoseProducer started(ProducerBuilder builder) {
        SecureFirehoseProducer producer = builder.build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    /** Sends one record that must fail, and returns why (waiting at most 30 s). */
    private static Throwable failureOfOneRecord(SecureFirehoseProducer producer) throws Exception {
        try {
            producer.send("never stored".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return TestResources.withoutSecrets(e.getCause());
        }
        throw new AssertionError("the record was delivered");
    }

    @Test
    void throughAVpcEndpointNameTheRecordIsDeliveredWithASessionBoundToThatEndpoint() throws Exception {
        LocalFirehose server = server(VPCE_NAME, VPCE_ID);
        SecureFirehoseProducer producer =
                started(producer(server, answering("127.0.0.1")).vpcEndpoint(VPCE_NAME));

        RecordReceipt receipt = producer.send("via privatelink".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);

        assertThat(lookups).filteredOn(name -> !name.equals("localhost")).containsExactly(VPCE_NAME);
        assertThat(server.records("orders")).singleElement().satisfies(stored -> {
            assertThat(stored.recordId()).isEqualTo(receipt.recordId());
            assertThat(new String(stored.data(), UTF_8)).isEqualTo("via privatelink");
        });
        assertThat(server.assumeRoleRequests().get(0).policy()).contains("\"aws:SourceVpce\":\"" + VPCE_ID + "\"");
        assertThat(server.requests())
                .filteredOn(r -> r.action().equals("PutRecordBatch"))
                .singleElement()
                .satisfies(put -> assertThat(put.accessKeyId())
                        .isEqualTo(server.assumeRoleRequests().get(0).issuedAccessKeyId()));
    }

    @Test
    void thePostureCheckThroughAVpcEndpointDescribesThroughItWithASessionBoundToIt() throws Exception {
        LocalFirehose server = server(VPCE_NAME, VPCE_ID);

        io.securefirehose.posture.PostureReport report = io.securefirehose.posture.SecurityPosture.check(
                producer(server, answering("127.0.0.1")).vpcEndpoint(VPCE_NAME).buildConfig());

        assertThat(report.streamArn()).isEqualTo(server.streamArn("orders"));
        assertThat(lookups).filteredOn(name -> !name.equals("localhost")).containsExactly(VPCE_NAME);
        assertThat(server.requests())
                .filteredOn(r -> r.action().equals("DescribeDeliveryStream"))
                .singleElement()
                .satisfies(describe -> {
                    assertThat(describe.outcome()).isEqualTo("OK");
                    assertThat(describe.accessKeyId())
                            .isEqualTo(server.assumeRoleRequests().get(0).issuedAccessKeyId());
                });
        String golden;
        try (var in = getClass().getResourceAsStream("/policies/session-describe-firehose-vpce.json")) {
            golden = new String(java.util.Objects.requireNonNull(in).readAllBytes(), UTF_8);
        }
        assertThat(server.assumeRoleRequests().get(0).policy())
                .as("the reviewed golden file, minified")
                .isEqualTo(golden.replaceAll("\\s+", ""));
    }

    @Test
    void withPrivateDnsTheRegionalNameIsPinnedAndTheNamedEndpointRequired() throws Exception {
        LocalFirehose server = server(PRIVATE_DNS_NAME, VPCE_ID);
        SecureFirehoseProducer producer =
                started(producer(server, answering("127.0.0.1")).privateDns(VPCE_ID));

        producer.send("via private dns".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);

        assertThat(lookups).filteredOn(name -> !name.equals("localhost")).containsExactly(PRIVATE_DNS_NAME);
        assertThat(server.records("orders")).hasSize(1);
        assertThat(server.assumeRoleRequests().get(0).policy()).contains("\"aws:SourceVpce\":\"" + VPCE_ID + "\"");
    }

    @Test
    void throughAnotherVpcEndpointTheSessionIsRefused() throws Exception {
        LocalFirehose server = server(VPCE_NAME, "vpce-0ffffffffffffffff");
        SecureFirehoseProducer producer =
                started(producer(server, answering("127.0.0.1")).vpcEndpoint(VPCE_NAME));

        assertThat(failureOfOneRecord(producer)).hasMessageContaining("AccessDeniedException");
        assertThat(server.records("orders")).isEmpty();
    }

    @Test
    void anAddressOtherThanThePinnedOneIsNeverConnected() throws Exception {
        // build() verified and pinned 127.0.0.2; the connection's own lookup answers 127.0.0.1 (the hosts file).
        LocalFirehose server = server(VPCE_NAME, VPCE_ID);
        SecureFirehoseProducer producer =
                started(producer(server, answering("127.0.0.2")).vpcEndpoint(VPCE_NAME));

        assertThat(failureOfOneRecord(producer))
                .isInstanceOf(EndpointPolicyViolationException.class)
                .hasMessageContaining("127.0.0.1");
        assertThat(server.requests()).noneMatch(r -> r.action().equals("PutRecordBatch"));
    }

    @Test
    void aCertificateNotValidForTheVpcEndpointNameIsRefused() throws Exception {
        LocalFirehose server = server("vpce-0ffffffffffffffff-zzzzzzzz.firehose.us-east-1.vpce.amazonaws.com", VPCE_ID);
        SecureFirehoseProducer producer =
                started(producer(server, answering("127.0.0.1")).vpcEndpoint(VPCE_NAME));

        assertThat(failureOfOneRecord(producer)).isInstanceOf(TlsPolicyViolationException.class);
        assertThat(server.records("orders")).isEmpty();
    }

    @Test
    void aVpcEndpointNameThatResolvesOutsideTheAllowedRangesIsRefusedAtBuild() {
        LocalFirehose server = server(VPCE_NAME, VPCE_ID);

        assertThatThrownBy(() -> producer(server, answering("192.0.2.10"))
                        .vpcEndpoint(VPCE_NAME)
                        .build())
                .isInstanceOf(EndpointPolicyViolationException.class)
                .hasMessageContaining("192.0.2.10")
                .hasMessageContaining("127.0.0.0/8");
        assertThat(lookups).filteredOn(name -> !name.equals("localhost")).containsExactly(VPCE_NAME);
    }
}
