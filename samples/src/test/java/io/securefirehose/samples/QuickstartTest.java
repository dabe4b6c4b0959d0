package io.securefirehose.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuickstartTest {

    @Test
    void sendsEveryRecordToTheEmbeddedEndpointAndReportsWhereTheyLanded(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = Quickstart.run(
                new String[] {"--records", "3000", "--record-size", "100", "--output-dir", dir.toString()},
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String report = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(report).isZero();
        assertThat(report)
                .contains("acknowledged:  3,000")
                .contains("failed:        0")
                .contains("LocalFirehose");

        long delivered = 0;
        try (Stream<Path> files = Files.walk(dir.resolve("quickstart"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                delivered += Files.readAllLines(file).size();
            }
        }
        assertThat(delivered).isEqualTo(3000);
    }

    @Test
    void recordsAreJsonLinesOfTheRequestedSize() {
        byte[] record = Quickstart.record(42, 64);
        assertThat(record).hasSize(64);
        assertThat(new String(record, StandardCharsets.US_ASCII))
                .startsWith("{\"seq\":42,")
                .endsWith("\"}\n");
    }

    @Test
    void badArgumentsAreReportedWithExitCode2() {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = Quickstart.run(
                new String[] {"--stream", "only-stream"}, new PrintStream(printed, true, StandardCharsets.UTF_8));
        assertThat(exit).isEqualTo(2);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("--stream and --region go together");
    }
}
