package io.securefirehose.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI-against-library driver end to end, tiny: both programs send every line; it measures nothing here. */
class CliSendDriverTest {

    @Test
    void theCliAndTheLibraryEachSendEveryLineAndReportTheirCpu(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<CliSendDriver.Result> results = CliSendDriver.run(
                CliSendDriver.Settings.parse(new String[] {
                    "--lines", "3000", "--record-bytes", "200", "--rounds", "2", "--out", dir.toString()
                }),
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(results).extracting(CliSendDriver.Result::program).containsExactly("cli", "library");
        assertThat(results).allSatisfy(r -> {
            assertThat(r.sent()).as(r.program()).isEqualTo(3000);
            // Both positive; which is larger is a measurement, not something a test on a busy machine can promise.
            assertThat(r.cpuSeconds()).as(r.program()).isPositive();
            assertThat(r.emptyCpuSeconds()).as(r.program()).isPositive();
        });
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("cli / library:")
                .contains("(0 failed)");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> CliSendDriver.Settings.parse(new String[] {"--rounds", "1"}))
                .hasMessageContaining("--rounds at least 2");
        assertThatThrownBy(() -> CliSendDriver.Settings.parse(new String[] {"--lines"}))
                .hasMessageContaining("--lines needs a value");
    }
}
