package io.securefirehose.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A tiny run of the latency driver, so that it keeps working; it measures nothing worth reading. */
class LatencyDriverTest {

    @Test
    void aShortRunAtAFixedLoadDeliversEverythingAndWritesTheTableCsvAndChart(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<LatencyDriver.Result> results = LatencyDriver.run(
                LatencyDriver.Settings.parse(new String[] {
                    "--offered",
                    "10,50",
                    "--seconds",
                    "1",
                    "--rounds",
                    "2",
                    "--saturation-megabytes",
                    "2",
                    "--out",
                    dir.toString()
                }),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(results).hasSize(4).allSatisfy(r -> {
            assertThat(r.failed()).as(r.configuration()).isZero();
            assertThat(r.offeredPerSecond()).isPositive();
            assertThat(r.p50Millis()).isPositive().isLessThanOrEqualTo(r.p99Millis());
        });
        assertThat(results).extracting(LatencyDriver.Result::offeredPercent).containsExactly(10, 10, 50, 50);
        // 50 % and 10 % of one saturation rate, computed separately: equal up to rounding.
        assertThat(results.get(2).offeredPerSecond())
                .isCloseTo(5 * results.get(0).offeredPerSecond(), within(1e-6));
        assertThat(Files.readAllLines(dir.resolve("latency.csv"))).hasSize(5);
        assertThat(Files.size(dir.resolve("latency.png"))).isPositive();
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("saturation of the baseline at 1024 B")
                .contains("within baseline + linger");
    }

    @Test
    void aRecordIsDueAtItsShareOfTheRateFromTheFirstWhetherOrNotTheSenderKeptUp() {
        Pacer pacer = Pacer.fixedRate(1_000_000);
        long start = pacer.awaitDue(0);
        assertThat(pacer.awaitDue(3) - start).isEqualTo(3_000);
        assertThat(pacer.awaitDue(10) - start).isEqualTo(10_000);
        assertThat(pacer.sentAt(start + 7)).isEqualTo(start + 7);
        assertThat(Pacer.unpaced().awaitDue(5)).isZero();
        assertThat(Pacer.unpaced().paced()).isFalse();
        assertThatThrownBy(() -> Pacer.fixedRate(0)).hasMessageContaining("must be positive");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> LatencyDriver.Settings.parse(new String[] {"--rounds", "1"}))
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> LatencyDriver.Settings.parse(new String[] {"--configs", "secure"}))
                .hasMessageContaining("must include baseline");
        assertThatThrownBy(() -> LatencyDriver.Settings.parse(new String[] {"--offered", "150"}))
                .hasMessageContaining("percents 1 to 100");
        assertThat(LatencyDriver.Settings.parse(new String[0]).offeredPercents())
                .containsExactly(25, 50, 75);
    }
}
