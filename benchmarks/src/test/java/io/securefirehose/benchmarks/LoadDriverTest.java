package io.securefirehose.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tiny run of the load driver, so that it keeps working: every configuration delivers every record, and the
 * table, CSV and chart are written. It measures nothing worth reading; the figures come from real runs.
 */
class LoadDriverTest {

    @Test
    void aSmallRunDeliversEverythingAndWritesTheTableCsvAndChart(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<RunResult> results = LoadDriver.run(
                LoadDriver.Settings.parse(new String[] {
                    "--sizes",
                    "100,2048",
                    "--rounds",
                    "2",
                    "--megabytes",
                    "1",
                    "--max-records",
                    "1500",
                    "--out",
                    dir.toString()
                }),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(results).hasSize(12);
        assertThat(results).allSatisfy(r -> {
            assertThat(r.failed()).as(r.configuration()).isZero();
            assertThat(r.records()).isEqualTo(r.recordBytes() == 100 ? 1500 : 1000);
            // Reported on Linux; a run this short may take the endpoint less than one clock tick.
            assertThat(r.endpointCpuSeconds()).as("endpoint CPU").isNotNaN().isNotNegative();
        });
        RunResult encrypted = results.stream()
                .filter(r -> r.configuration().equals("encrypted") && r.recordBytes() == 100)
                .findFirst()
                .orElseThrow();
        assertThat(encrypted.wireRecordBytes()).isGreaterThan(100 + 41);
        assertThat(Files.readAllLines(dir.resolve("load.csv"))).hasSize(13);
        RunResult coalesced = results.stream()
                .filter(r -> r.configuration().equals("coalesced") && r.recordBytes() == 100)
                .findFirst()
                .orElseThrow();
        assertThat(coalesced.firehoseRecords()).isLessThan(100);
        assertThat(coalesced.billedBytesPerPayloadByte()).isLessThan(1.2);
        assertThat(Files.size(dir.resolve("load.png"))).isPositive();
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        int baselineRun = lines.indexOf(lines.stream()
                .filter(l -> l.startsWith("round 1 baseline "))
                .findFirst()
                .orElseThrow());
        assertThat(lines.get(baselineRun + 1))
                .as("the breakdown under the run it belongs to: the raw SDK's threads, not the next run's producer's")
                .startsWith("  CPU by thread: ")
                .contains("aws-java-sdk-NettyEventLoop")
                .doesNotContain("firehose-secure-");
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("rec/s x")
                .contains("billed/payload")
                .contains("endpoint s/M");
        assertThat(Files.readAllLines(dir.resolve("load.csv")).get(0)).endsWith(",endpoint_cpu_s_per_million");
    }

    @Test
    void againstTheAcknowledgeOnlyEndpointEveryRecordIsAcknowledged(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<RunResult> results = LoadDriver.run(
                LoadDriver.Settings.parse(new String[] {
                    "--acknowledge-only",
                    "--sizes",
                    "1024",
                    "--configs",
                    "baseline,secure,encrypted,secure-boringssl",
                    "--rounds",
                    "2",
                    "--megabytes",
                    "1",
                    "--out",
                    dir.toString()
                }),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(results).hasSize(4).allSatisfy(r -> {
            assertThat(r.failed()).as(r.configuration()).isZero();
            assertThat(r.records()).isEqualTo(1000);
        });
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("LocalFirehose (acknowledge-only)");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> LoadDriver.Settings.parse(new String[] {"--rounds", "1"}))
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> LoadDriver.Settings.parse(new String[] {"--configs", "secure"}))
                .hasMessageContaining("must include baseline");
        assertThat(LoadDriver.Settings.parse(new String[0]).records(100)).isEqualTo(1_000_000);
        assertThat(LoadDriver.Settings.parse(new String[0]).acknowledgeOnly()).isFalse();
        assertThat(LoadDriver.Settings.parse(new String[0]).provider()).isEqualTo("jdk");
        assertThatThrownBy(() -> LoadDriver.Settings.parse(new String[] {"--provider", "bc"}))
                .hasMessageContaining("--provider takes jdk or accp, was bc");
        assertThatThrownBy(() -> LoadDriver.Settings.parse(new String[] {"--rounds"}))
                .hasMessageContaining("--rounds needs a value");
    }
}
