package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.testkit.FaultPlan;
import io.securefirehose.testkit.LocalFirehose;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kill and restart: a producer process spills encrypted records while Firehose is down and is killed (SIGKILL) in
 * the middle of it; a new producer on the same directory, once Firehose is back, replays them. Every record the
 * first process reported as spilled or acknowledged must be stored, and no spill file may hold plaintext.
 */
class SpillKillRestartTest {

    private static final String STREAM = "kill-restart";
    private static final String KEY_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static final int SPILLED_BEFORE_KILL = 8_000;
    private static final int MAX_RECORDS = 1_000_000;

    @RegisterExtension
    final TestResources resources = new TestResources();

    @TempDir
    Path work;

    @Test
    void noRecordReportedSpilledOrAcknowledgedIsLostWhenTheProducerIsKilledAndRestarted() throws Exception {
        LocalFirehose server = resources.add(LocalFirehose.builder().stream(STREAM)
                .kmsKey(KEY_ID)
                .faults(FaultPlan.builder().serverErrorRate(1.0).build()) // Firehose is down
                .start());
        Path spill = work.resolve("spill");
        Process child = startProducerProcess(server, spill);
        Map<Integer, Character> outcome = new HashMap<>();
        Set<Integer> accepted = new HashSet<>();
        StringBuilder firstFailure = new StringBuilder();
        int spilledBeforeKill;
        try {
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread reader = readLines(child, lines);
            while (count(outcome, 'S') < SPILLED_BEFORE_KILL) {
                String line = null;
                for (int second = 0; second < 60 && line == null && child.isAlive(); second++) {
                    line = lines.poll(1, TimeUnit.SECONDS);
                }
                if (line == null) {
                    throw new AssertionError("the producer process stopped reporting after "
                            + count(outcome, 'S') + " spilled records; its standard error:\n"
                            + Files.readString(work.resolve("child.err")));
                }
                record(line, outcome, accepted);
                if (firstFailure.isEmpty() && line.startsWith("F ")) {
                    firstFailure.append(line);
                }
            }
            spilledBeforeKill = count(outcome, 'S');
            child.destroyForcibly(); // SIGKILL: no shutdown hook, no close, mid-stream
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
            reader.join(TimeUnit.SECONDS.toMillis(30));
            for (String line = lines.poll(); line != null; line = lines.poll()) {
                record(line, outcome, accepted);
            }
        } finally {
            child.destroyForcibly();
        }
        assertThat(outcome)
                .as("no record failed; the first failure: %s", firstFailure)
                .doesNotContainValue('F');
        assertThat(segmentFiles(spill)).isNotEmpty();
        for (Path segment : segmentFiles(spill)) {
            assertThat(new String(Files.readAllBytes(segment), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .as("spill segment %s holds no plaintext", segment.getFileName())
                    .doesNotContain("plain-record-");
        }

        server.faults(FaultPlan.none()); // Firehose is back
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        SecureFirehoseProducer restarted = resources.add(TestResources.producerFor(server, STREAM)
                .envelopeEncryption(EnvelopeEncryption.withKmsKey(server.kmsKeyArn(KEY_ID))
                        .streamArn(server.streamArn(STREAM))
                        .kmsEndpoint(server.endpoint())
                        .build())
                .spill(Spill.toDirectory(spill))
                .build());
        restarted.metrics().bindTo(registry);
        await().atMost(Duration.ofSeconds(90)).until(() -> segmentFiles(spill).isEmpty());
        restarted.close();

        Map<Integer, Integer> stored = TestResources.storedRecordNumbers(server, STREAM, "plain-record-");
        int spilled = count(outcome, 'S');
        int acknowledged = count(outcome, 'K');
        for (Map.Entry<Integer, Character> entry : outcome.entrySet()) {
            assertThat(stored)
                    .as("record %d was reported %s, so it must be stored", entry.getKey(), entry.getValue())
                    .containsKey(entry.getKey());
        }
        double replayed = registry.get("firehose.producer.spill.replayed")
                .functionCounter()
                .count();
        System.out.printf(
                "kill-restart: accepted=%d spilledBeforeKill=%d spilled=%d acknowledged=%d unreported=%d"
                        + " stored=%d replayed=%.0f%n",
                accepted.size(),
                spilledBeforeKill,
                spilled,
                acknowledged,
                accepted.size() - outcome.size(),
                stored.size(),
                replayed);
        assertThat(replayed).isGreaterThanOrEqualTo(spilled);
        try (var left = Files.list(spill)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(name -> name.startsWith("segment-"));
        }
    }

    private Process startProducerProcess(LocalFirehose server, Path spill) throws IOException {
        Path pem = server.writeTrustPem(work.resolve("ca.pem"));
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                SpillingProducerProcess.class.getName(),
                server.endpoint().toString(),
                pem.toString(),
                server.credentials().accessKeyId(),
                server.credentials().secretAccessKey(),
                STREAM,
                server.streamArn(STREAM),
                server.kmsKeyArn(KEY_ID),
                spill.toString(),
                String.valueOf(MAX_RECORDS));
        return new ProcessBuilder(command)
                .redirectError(work.resolve("child.err").toFile())
                .start();
    }

    private static Thread readLines(Process child, BlockingQueue<String> lines) {
        Thread reader = new Thread(
                () -> {
                    try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
                        for (String line = in.readLine(); line != null; line = in.readLine()) {
                            lines.add(line);
                        }
                    } catch (IOException closed) {
                        // The process was killed.
                    }
                },
                "producer-process-output");
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    private static void record(String line, Map<Integer, Character> outcome, Set<Integer> accepted) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || parts[0].length() != 1) {
            return; // not one of the process's event lines
        }
        int number = Integer.parseInt(parts[1]);
        switch (parts[0].charAt(0)) {
            case 'A' -> accepted.add(number);
            case 'S', 'K', 'F' -> outcome.put(number, parts[0].charAt(0));
            default -> {}
        }
    }

    private static int count(Map<Integer, Character> outcome, char kind) {
        return (int) outcome.values().stream().filter(v -> v == kind).count();
    }

    private static List<Path> segmentFiles(Path spill) throws IOException {
        try (Stream<Path> files = Files.list(spill)) {
            return files.filter(p -> p.getFileName().toString().startsWith("segment-"))
                    .toList();
        }
    }
}
