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

/** The many-streams driver end to end, tiny (its figures come from real runs). */
class ManyStreamsDriverTest {

    @Test
    void aShortRunOfAClientAndOfSeparateProducersDeliversEveryRecord(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        List<ManyStreamsDriver.Result> results = ManyStreamsDriver.run(
                ManyStreamsDriver.Settings.parse(new String[] {
                    "--client-streams", "1,3",
                    "--separate", "3",
                    "--rate", "2000",
                    "--seconds", "1",
                    "--warmup", "0",
                    "--senders", "2",
                    "--out", dir.toString()
                }),
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertThat(results)
                .extracting(ManyStreamsDriver.Result::setup)
                .containsExactly("one client", "one client", "separate producers");
        assertThat(results).extracting(ManyStreamsDriver.Result::streams).containsExactly(1, 3, 3);
        // Counts, not rates: how many records a busy machine sends within the second is not the point here.
        assertThat(results).allSatisfy(result -> {
            assertThat(result.failed()).isZero();
            assertThat(result.sent()).as("one burst of each sender at least").isGreaterThanOrEqualTo(2 * 50);
            assertThat(result.acknowledged()).isEqualTo(result.sent());
            assertThat(result.peakThreads()).isPositive();
        });
        assertThat(Files.readAllLines(dir.resolve("streams.csv"))).hasSize(4);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("| setup | streams | peak threads");
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> ManyStreamsDriver.Settings.parse(new String[] {"--senders", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ManyStreamsDriver.Settings.parse(new String[] {"--client-streams", "0"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
