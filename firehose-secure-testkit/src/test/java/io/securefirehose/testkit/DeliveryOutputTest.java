package io.securefirehose.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.Record;

/** What lands in the output directory looks like what Firehose writes to S3. */
class DeliveryOutputTest {

    /** A clock the test moves by hand. */
    static final class MovableClock extends Clock {
        private Instant now;

        MovableClock(Instant start) {
            this.now = start;
        }

        synchronized void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static void put(FirehoseAsyncClient client, String... records) throws Exception {
        client.putRecordBatch(r -> r.deliveryStreamName("logs")
                        .records(java.util.Arrays.stream(records)
                                .map(s -> Record.builder()
                                        .data(SdkBytes.fromUtf8String(s))
                                        .build())
                                .toList()))
                .get();
    }

    @Test
    void recordsAreConcatenatedIntoObjectsCutBySizeUnderAnHourlyPrefix(@TempDir Path dir) throws Exception {
        try (LocalFirehose server = LocalFirehose.builder().stream("logs")
                        .outputDirectory(dir)
                        .deliveryBuffering(10, Duration.ofHours(1))
                        .start();
                FirehoseAsyncClient client = SdkClients.firehose(server)) {
            put(client, "abc\n", "def\n", "ghi\n");
            put(client, "x");
            List<Path> objects = server.deliveredObjects("logs");
            assertThat(objects).hasSize(1);
            assertThat(Files.readString(objects.get(0), UTF_8)).isEqualTo("abc\ndef\nghi\n");
            String relative = dir.relativize(objects.get(0)).toString();
            assertThat(relative)
                    .matches(
                            "logs/\\d{4}/\\d{2}/\\d{2}/\\d{2}/logs-1-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f-]{36}");
            server.flushDeliveries();
            assertThat(server.deliveredObjects("logs")).hasSize(2);
            assertThat(Files.readString(server.deliveredObjects("logs").get(1), UTF_8))
                    .isEqualTo("x");
        }
    }

    @Test
    void objectsAreCutByAgeAndCanBeGzipped(@TempDir Path dir) throws Exception {
        MovableClock clock = new MovableClock(Instant.now());
        try (LocalFirehose server = LocalFirehose.builder().stream("logs")
                        .outputDirectory(dir)
                        .gzip(true)
                        .clock(clock)
                        .deliveryBuffering(1024 * 1024, Duration.ofSeconds(60))
                        .start();
                FirehoseAsyncClient client = SdkClients.firehose(server)) {
            put(client, "one", "two");
            clock.advance(Duration.ofSeconds(59));
            server.cutOldObjects();
            assertThat(server.deliveredObjects("logs")).isEmpty();
            clock.advance(Duration.ofSeconds(1));
            server.cutOldObjects();
            List<Path> objects = server.deliveredObjects("logs");
            assertThat(objects).hasSize(1);
            assertThat(objects.get(0).getFileName().toString()).endsWith(".gz");
            try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(objects.get(0)))) {
                assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("onetwo");
            }
        }
    }

    @Test
    void closingWritesWhatIsStillBuffered(@TempDir Path dir) throws Exception {
        LocalFirehose server =
                LocalFirehose.builder().stream("logs").outputDirectory(dir).start();
        try (FirehoseAsyncClient client = SdkClients.firehose(server)) {
            put(client, "last words");
        }
        server.close();
        assertThat(server.deliveredObjects("logs")).hasSize(1);
        assertThat(Files.readString(server.deliveredObjects("logs").get(0), UTF_8))
                .isEqualTo("last words");
    }

    @Test
    void theStandaloneMainPrintsHowToConnect(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Path pem = dir.resolve("ca.pem");
        try (LocalFirehose server = LocalFirehoseMain.start(
                new String[] {
                    "--stream",
                    "a",
                    "--stream",
                    "b",
                    "--trust-pem",
                    pem.toString(),
                    "--output-dir",
                    dir.toString(),
                    "--kms-key",
                    "k1,alias/one,alias/uno"
                },
                new PrintStream(printed, true, UTF_8))) {
            String out = printed.toString(UTF_8);
            assertThat(out)
                    .contains("https://localhost:" + server.port())
                    .contains(pem.toAbsolutePath().toString())
                    .contains(server.credentials().accessKeyId())
                    .contains("output directory")
                    .contains("KMS key:           arn:aws:kms:us-east-1:000000000000:key/k1");
            assertThat(Files.readString(pem)).isEqualTo(server.trustPem());
            try (FirehoseAsyncClient client = SdkClients.firehose(server)) {
                client.putRecordBatch(r -> r.deliveryStreamName("b")
                                .records(Record.builder()
                                        .data(SdkBytes.fromUtf8String("z"))
                                        .build()))
                        .get();
            }
            assertThat(server.records("b")).hasSize(1);
        }
    }

    @Test
    void faultPlansRefuseImpossibleRates() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> FaultPlan.builder().throttleRate(1.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("throttleRate");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> FaultPlan.builder().latency(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("latency");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> LocalFirehose.builder().bindAddress("10.0.0.1"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loopback");
        assertThat(FaultPlan.none().isNone()).isTrue();
    }
}
