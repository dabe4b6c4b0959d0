package io.securefirehose.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code LocalFirehose} in a child JVM, so that the driver's process CPU and allocation are the client's alone.
 * Started from this JVM's class path; stopped by {@link #close()}.
 */
final class LocalFirehoseProcess implements AutoCloseable {

    static final String STREAM = "bench";
    static final String ROLE = "arn:aws:iam::000000000000:role/bench-producer";
    static final String KMS_KEY_ID = "0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e";

    private final Process process;
    final URI endpoint;
    final String accessKeyId;
    final String secretAccessKey;
    final String trustPem;
    final String kmsKeyArn;

    private LocalFirehoseProcess(Process process, Map<String, String> printed, String trustPem) {
        this.process = process;
        this.endpoint = URI.create(printed.get("endpoint"));
        this.accessKeyId = printed.get("access key id");
        this.secretAccessKey = printed.get("secret access key");
        this.kmsKeyArn = printed.get("KMS key");
        this.trustPem = trustPem;
    }

    static LocalFirehoseProcess start(int ioThreads) throws IOException {
        return start(ioThreads, List.of());
    }

    /** As {@link #start(int)}, with more {@code LocalFirehoseMain} flags (for example {@code --quota}). */
    static LocalFirehoseProcess start(int ioThreads, List<String> extraFlags) throws IOException {
        Path pem = Files.createTempFile("bench-ca-", ".pem");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp",
                System.getProperty("java.class.path"),
                "io.securefirehose.testkit.LocalFirehoseMain",
                "--stream",
                STREAM,
                "--no-capture",
                "--trust-pem",
                pem.toString(),
                "--role",
                ROLE,
                "--kms-key",
                KMS_KEY_ID));
        command.addAll(extraFlags);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, String> printed = new HashMap<>();
        BufferedReader out =
                new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (int i = 0; i < 50 && printed.size() < 4; i++) {
            String line = out.readLine();
            if (line == null) {
                break;
            }
            if (line.startsWith("LocalFirehose listening on ")) {
                printed.put(
                        "endpoint",
                        line.substring("LocalFirehose listening on ".length()).trim());
            } else if (line.startsWith("access key id:")) {
                printed.put(
                        "access key id", line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("secret access key:")) {
                printed.put(
                        "secret access key",
                        line.substring(line.indexOf(':') + 1).trim());
            } else if (line.startsWith("KMS key:")) {
                printed.put("KMS key", line.substring(line.indexOf(':') + 1).trim());
            }
        }
        if (printed.size() < 4) {
            process.destroyForcibly();
            throw new IOException("LocalFirehose did not start: " + printed);
        }
        // Keep draining its output so that it never blocks on a full pipe.
        Thread drain = new Thread(
                () -> {
                    try {
                        while (out.readLine() != null) {
                            // discarded
                        }
                    } catch (IOException e) {
                        // the process ended
                    }
                },
                "local-firehose-output");
        drain.setDaemon(true);
        drain.start();
        return new LocalFirehoseProcess(process, printed, Files.readString(pem));
    }

    /**
     * CPU time the endpoint's JVM has used so far, or {@code NaN} where the platform does not report it. The endpoint
     * shares the machine's cores with the driver, so what it spends per record bounds the records/s of every
     * configuration.
     */
    double cpuSeconds() {
        return process.toHandle()
                .info()
                .totalCpuDuration()
                .map(d -> d.toNanos() / 1e9)
                .orElse(Double.NaN);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
