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

/** The quota driver end to end, tiny: it runs both modes to completion and writes its CSV. No figures checked. */
class QuotaDriverTest {

    @Test
    void aShortRunCompletesBothModesWithoutLosingARecord(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<QuotaDriver.Result> results = QuotaDriver.run(
                QuotaDriver.Settings.parse(new String[] {
                    "--quota-bytes", "262144", "--seconds", "2", "--rounds", "1", "--out", dir.toString()
                }),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(results).extracting(QuotaDriver.Result::mode).containsExactly("adaptive", "fixed");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.failed()).as(r.mode()).isZero();
            assertThat(r.records()).isEqualTo(512);
            assertThat(r.requests()).isPositive();
        });
        assertThat(Files.readAllLines(dir.resolve("quota.csv"))).hasSize(3);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("goodput").contains("throttled");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> QuotaDriver.Settings.parse(new String[] {"--seconds", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> QuotaDriver.Settings.parse(new String[] {"--bogus", "1"}))
                .hasMessageContaining("unknown flag --bogus");
    }
}
