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

/**
 * The shared-quota driver end to end, tiny (its figures come from real runs), and the arithmetic of its figures on
 * fixed numbers.
 */
class SharedQuotaDriverTest {

    @Test
    void aShortRunOfTwoProducersWithALateJoinerLosesNoRecord(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<SharedQuotaRun.Outcome> outcomes = SharedQuotaDriver.run(
                SharedQuotaDriver.Settings.parse(new String[] {
                    "--producers",
                    "2",
                    "--modes",
                    "adaptive",
                    "--seconds",
                    "3",
                    "--late-join",
                    "1",
                    "--quota-bytes",
                    "262144",
                    "--buffer-bytes",
                    "1100000",
                    "--out",
                    dir.toString()
                }),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(outcomes).singleElement().satisfies(o -> {
            assertThat(o.failed()).isZero();
            assertThat(o.requests()).isPositive();
            assertThat(o.ackedBytesPerSecond()).hasNumberOfRows(2);
            assertThat(o.ackedBytesPerSecond()[1][0])
                    .as("the late joiner sends nothing before it joins")
                    .isZero();
            // Every record sent was acknowledged, in the run or while the buffers drained after it.
            assertThat(o.acknowledgedBytes()).isPositive();
        });
        assertThat(Files.readAllLines(dir.resolve("shared.csv"))).hasSize(2);
        assertThat(Files.readAllLines(dir.resolve("shared-seconds.csv"))).hasSize(1 + 2 * 3);
        assertThat(Files.size(dir.resolve("shared-adaptive-2.png"))).isPositive();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("Jain").contains("late joiner");
    }

    @Test
    void fairnessGoodputAndTheLateJoinersRampAreComputedAsDocumented() {
        long[][] bytes = {
            {100, 100, 100, 50, 50, 50, 50},
            {100, 100, 100, 50, 50, 50, 50},
            {0, 0, 0, 10, 40, 60, 60}
        };
        SharedQuotaRun.Outcome o = new SharedQuotaRun.Outcome("adaptive", 3, 3, bytes, 0, 0, 100, 4);
        assertThat(o.aggregate(0, 3)).isEqualTo(200);
        assertThat(o.aggregate(3, 7)).isEqualTo(570 / 4.0);
        // over seconds 3..6: 200, 200, 170 -> 570^2 / (3 * (200^2 + 200^2 + 170^2))
        assertThat(o.jain(3, 7)).isCloseTo(570.0 * 570 / (3 * (40_000 + 40_000 + 28_900)), within(1e-9));
        assertThat(new SharedQuotaRun.Outcome("adaptive", 2, 0, new long[][] {{5, 5}, {0, 0}}, 0, 0, 1, 0).jain(0, 2))
                .isEqualTo(0.5);
        // fair share of a quota of 150 is 50; 80 % of it is 40: the average of seconds 4..6 is 53.3, of 3..5 36.7
        assertThat(o.secondsToFairShare(150)).isEqualTo(1);
        assertThat(o.secondsToFairShare(600)).isEqualTo(-1);
        assertThat(o.throttledShare()).isEqualTo(0.04);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> SharedQuotaDriver.Settings.parse(new String[] {"--producers", "1"}))
                .hasMessageContaining("at least 2");
        assertThatThrownBy(() -> SharedQuotaDriver.Settings.parse(new String[] {"--late-join", "60"}))
                .hasMessageContaining("less than --seconds");
        assertThatThrownBy(() -> SharedQuotaDriver.Settings.parse(new String[] {"--modes", "greedy"}))
                .hasMessageContaining("adaptive and fixed");
        assertThat(SharedQuotaDriver.Settings.parse(new String[0]).producers()).containsExactly(4, 8);
    }
}
