package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.testkit.IssuedSecrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * After the whole suite: nothing it logged or printed holds a secret or a payload. Runs in the surefire execution
 * {@code after-suite}, after the others, and reads what they left in {@code target/}: the log files of every test
 * JVM ({@code test-logs*.txt}, every logger at INFO and above, the AWS SDK's included) and surefire's reports (each
 * test's output and every failure's message and stack trace). The secrets are those the local endpoint issued, all
 * marked ({@link IssuedSecrets}): secret access keys, session tokens, data keys in base64 and hex. The payloads are
 * the marked records tests send for this ({@link #PAYLOAD_MARKERS}).
 */
@Tag("after-suite")
class LogsHoldNoSecretsTest {

    /** Texts some tests send as record payloads; none may appear in a log or a message. */
    static final List<String> PAYLOAD_MARKERS =
            List.of("PLAINTEXT-MARKER", "must not leave", "via privatelink", "via private dns", "record-0000");

    private final Path target = Path.of("target");

    @Test
    void noLogOrReportOfTheSuiteHoldsASecretOrAPayload() throws IOException {
        List<Path> files = new ArrayList<>();
        try (Stream<Path> logs = Files.list(target)) {
            logs.filter(f -> f.getFileName().toString().matches("test-logs.*\\.txt"))
                    .forEach(files::add);
        }
        try (Stream<Path> reports = Files.list(target.resolve("surefire-reports"))) {
            reports.filter(f -> f.getFileName().toString().endsWith(".txt"))
                    .filter(f -> !f.getFileName().toString().contains(getClass().getSimpleName()))
                    .forEach(files::add);
        }
        Path mainLog = target.resolve("test-logs.txt");
        assertThat(files).as("the suite's logs").contains(mainLog);
        String main = Files.readString(mainLog, StandardCharsets.UTF_8);
        assertThat(main.length()).as("the suite logged").isGreaterThan(10_000);
        assertThat(main).as("security events were logged").contains("io.securefirehose.security");

        List<String> found = new ArrayList<>();
        for (Path file : files) {
            String text = Files.readString(file, StandardCharsets.ISO_8859_1);
            IssuedSecrets.findIn(text).ifPresent(marker -> found.add(file.getFileName() + ": secret " + marker));
            for (String payload : PAYLOAD_MARKERS) {
                if (text.contains(payload)) {
                    found.add(file.getFileName() + ": payload " + payload);
                }
            }
        }
        assertThat(found).as("secrets or payloads in %d files", files.size()).isEmpty();
    }

    @Test
    void theSearchFindsEachKindOfMarker() {
        assertThat(IssuedSecrets.findIn("key=" + IssuedSecrets.SECRET_KEY_MARKER + "0a1b"))
                .isPresent();
        assertThat(IssuedSecrets.findIn("x-amz-security-token: " + IssuedSecrets.SESSION_TOKEN_MARKER + "ab"))
                .isPresent();
        byte[] dataKey = java.util.Arrays.copyOf(IssuedSecrets.dataKeyMarker(), 32);
        assertThat(IssuedSecrets.findIn(
                        "Plaintext\":\"" + java.util.Base64.getEncoder().encodeToString(dataKey)))
                .isPresent();
        assertThat(IssuedSecrets.findIn("key " + java.util.HexFormat.of().formatHex(dataKey)))
                .isPresent();
        assertThat(IssuedSecrets.findIn("an ordinary line about record counts")).isEmpty();
    }
}
