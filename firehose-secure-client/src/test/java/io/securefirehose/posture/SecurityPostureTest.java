package io.securefirehose.posture;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.errors.ServerSideEncryptionRequiredException;
import io.securefirehose.posture.PostureFinding.Level;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.StreamPosture;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DestinationDescription;

/** The posture check against descriptions and against LocalFirehose streams; the SSE requirement of the producer. */
class SecurityPostureTest {

    private static final String KEY = "arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private LocalFirehose server() {
        return resources.add(
                LocalFirehose.builder().stream("compliant", StreamPosture.compliant(KEY)).stream(
                                "open", StreamPosture.unprotected())
                        .stream(
                                "aws-key",
                                StreamPosture.compliant(KEY).withServerSideEncryption("ENABLED", "AWS_OWNED_CMK", null))
                        .role("arn:aws:iam::000000000000:role/checker")
                        .start());
    }

    private static ProducerBuilder settingsFor(LocalFirehose server, String stream) {
        return TestResources.producerFor(server, stream).linger(Duration.ZERO);
    }

    @Test
    void aCompliantStreamPassesEveryFinding() {
        LocalFirehose server = server();
        PostureReport report =
                SecurityPosture.check(settingsFor(server, "compliant").buildConfig());
        assertThat(report.passed()).isTrue();
        assertThat(report.streamArn()).isEqualTo(server.streamArn("compliant"));
        assertThat(report.findings())
                .extracting(PostureFinding::id)
                .containsExactly(
                        "stream-active",
                        "sse-enabled",
                        "sse-customer-managed-key",
                        "s3-destination-kms",
                        "error-logging");
        assertThat(report.findings()).allMatch(f -> f.level() == Level.PASS);
        assertThat(report.finding("sse-customer-managed-key").evidence()).contains(KEY);
    }

    @Test
    void anUnprotectedStreamFailsWithEvidenceAndFixes() {
        LocalFirehose server = server();
        PostureReport report = SecurityPosture.check(settingsFor(server, "open").buildConfig());
        assertThat(report.passed()).isFalse();
        assertThat(report.finding("stream-active").level()).isEqualTo(Level.PASS);
        PostureFinding sse = report.finding("sse-enabled");
        assertThat(sse.level()).isEqualTo(Level.FAIL);
        assertThat(sse.evidence()).isEqualTo("server-side encryption DISABLED");
        assertThat(sse.fix()).contains("start-delivery-stream-encryption");
        assertThat(report.finding("sse-customer-managed-key").level()).isEqualTo(Level.FAIL);
        assertThat(report.finding("s3-destination-kms").level()).isEqualTo(Level.WARN);
        assertThat(report.finding("error-logging").level()).isEqualTo(Level.WARN);
        assertThat(sse.toString()).startsWith("FAIL sse-enabled: server-side encryption DISABLED -> enable it");
    }

    @Test
    void anAwsOwnedKeyOrAStreamThatIsNotActiveAreReported() {
        LocalFirehose server = server();
        PostureReport awsKey =
                SecurityPosture.check(settingsFor(server, "aws-key").buildConfig());
        assertThat(awsKey.passed()).isTrue();
        assertThat(awsKey.finding("sse-customer-managed-key").level()).isEqualTo(Level.WARN);
        server.posture("aws-key", StreamPosture.compliant(KEY).withStatus("CREATING"));
        PostureReport creating =
                SecurityPosture.check(settingsFor(server, "aws-key").buildConfig());
        assertThat(creating.finding("stream-active").level()).isEqualTo(Level.FAIL);
        assertThat(creating.finding("stream-active").evidence()).isEqualTo("status CREATING");
        server.posture(
                "aws-key",
                StreamPosture.compliant(KEY).withServerSideEncryption("ENABLING", "CUSTOMER_MANAGED_CMK", KEY));
        assertThat(SecurityPosture.check(settingsFor(server, "aws-key").buildConfig())
                        .finding("sse-enabled")
                        .level())
                .isEqualTo(Level.WARN);
    }

    @Test
    void anAssumedRoleSessionMayDescribeTheStreamForTheCheck() {
        LocalFirehose server = server();
        PostureReport report = SecurityPosture.check(settingsFor(server, "compliant")
                .assumeRole(AssumeRole.role("arn:aws:iam::000000000000:role/checker")
                        .stsEndpoint(server.endpoint())
                        .build())
                .buildConfig());
        assertThat(report.passed()).isTrue();
        assertThat(server.assumeRoleRequests().get(0).policy())
                .isEqualTo(LeastPrivilegePolicies.builder()
                        .streamArn(server.streamArn("compliant"))
                        .describeStream(true)
                        .build()
                        .sessionPolicyMinified());
        String session = server.assumeRoleRequests().get(0).issuedAccessKeyId();
        assertThat(server.requests())
                .filteredOn(r -> r.action().equals("DescribeDeliveryStream"))
                .singleElement()
                .satisfies(r -> assertThat(r.accessKeyId()).isEqualTo(session));
    }

    @Test
    void aMissingStreamIsAnErrorNotAReport() {
        LocalFirehose server = server();
        assertThatThrownBy(
                        () -> SecurityPosture.check(settingsFor(server, "nope").buildConfig()))
                .hasMessageContaining("ResourceNotFoundException");
    }

    @Test
    void aStreamWithoutAnS3DestinationIsReportedAsUnchecked() {
        DeliveryStreamDescription http = DeliveryStreamDescription.builder()
                .deliveryStreamARN("arn:aws:firehose:us-east-1:000000000000:deliverystream/http")
                .deliveryStreamStatus("ACTIVE")
                .deliveryStreamEncryptionConfiguration(
                        c -> c.status("ENABLED").keyType("CUSTOMER_MANAGED_CMK").keyARN(KEY))
                .destinations(
                        DestinationDescription.builder().destinationId("d-1").build())
                .build();
        PostureReport report = SecurityPosture.evaluate(http);
        assertThat(report.passed()).isTrue();
        assertThat(report.finding("s3-destination-kms").evidence()).contains("not S3");
        assertThat(report.finding("error-logging").level()).isEqualTo(Level.WARN);
        assertThatThrownBy(() -> report.finding("unknown")).hasMessageContaining("no finding 'unknown'");
        PostureReport empty = SecurityPosture.evaluate(DeliveryStreamDescription.builder()
                .deliveryStreamARN("arn:aws:firehose:us-east-1:000000000000:deliverystream/x")
                .deliveryStreamStatus("ACTIVE")
                .build());
        assertThat(empty.finding("sse-enabled").evidence()).isEqualTo("server-side encryption DISABLED");
        assertThat(empty.finding("error-logging").evidence()).isEqualTo("no destination described");
    }

    @Test
    void requireServerSideEncryptionFailsRecordsFirehoseStoredUnencrypted() throws Exception {
        LocalFirehose server = server();
        SecureFirehoseProducer open = resources.add(
                settingsFor(server, "open").requireServerSideEncryption(true).build());
        assertThatThrownBy(() -> open.send("x".getBytes(UTF_8)).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(ServerSideEncryptionRequiredException.class, e -> {
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.recordId())
                            .isEqualTo(server.records("open").get(0).recordId());
                    assertThat(e.getMessage()).contains("Encrypted=false for stream 'open'");
                });
        SecureFirehoseProducer compliant = resources.add(settingsFor(server, "compliant")
                .requireServerSideEncryption(true)
                .build());
        RecordReceipt receipt = compliant.send("y".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertThat(receipt.serverSideEncrypted()).isTrue();
    }
}
