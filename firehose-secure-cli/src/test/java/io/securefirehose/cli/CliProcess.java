package io.securefirehose.cli;

import io.securefirehose.testkit.LocalFirehose;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the packaged tool as a separate process, as a user would, with a bounded wait. */
final class CliProcess {

    /** What a run printed and returned. */
    record Result(int exitCode, String out, String err) {}

    private CliProcess() {}

    static Path jar() {
        return Path.of(System.getProperty("cli.jar", "target/firehose-secure-cli.jar"));
    }

    /**
     * The hosts file the tool's JVM resolves names with when the build names one: names a test does not serve fail
     * at once with {@code UnknownHostException}, without a DNS query.
     */
    private static List<String> hostsFile() {
        String file = System.getProperty("cli.hosts.file");
        return file == null ? List.of() : List.of("-Djdk.net.hosts.file=" + file);
    }

    static Path launcher() {
        return Path.of(System.getProperty("cli.launcher", "../bin/firehose-secure"));
    }

    /** Credentials of the local endpoint in the environment (the AWS default chain reads them first). */
    static Map<String, String> environment(LocalFirehose server) {
        return Map.of(
                "AWS_ACCESS_KEY_ID", server.credentials().accessKeyId(),
                "AWS_SECRET_ACCESS_KEY", server.credentials().secretAccessKey(),
                "AWS_REGION", server.region());
    }

    static Result run(Map<String, String> environment, byte[] stdin, String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(hostsFile());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        return execute(command, environment, stdin);
    }

    static Result runLauncher(String... args) {
        List<String> command = new ArrayList<>();
        command.add(launcher().toString());
        command.addAll(List.of(args));
        return execute(command, Map.of("JAVA_HOME", System.getProperty("java.home")), new byte[0]);
    }

    static Process start(Map<String, String> environment, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(hostsFile());
        command.add("-jar");
        command.add(jar().toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        isolate(builder.environment(), environment);
        return builder.start();
    }

    private static Result execute(List<String> command, Map<String, String> environment, byte[] stdin) {
        ProcessBuilder builder = new ProcessBuilder(command);
        isolate(builder.environment(), environment);
        try {
            Process process = builder.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread outReader = copier(process.getInputStream(), out);
            Thread errReader = copier(process.getErrorStream(), err);
            try (OutputStream in = process.getOutputStream()) {
                in.write(stdin);
            }
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the tool did not finish within 120 s: " + command);
            }
            outReader.join(10_000);
            errReader.join(10_000);
            return new Result(
                    process.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** No credentials, profiles or instance metadata of the machine running the tests leak into the tool. */
    private static void isolate(Map<String, String> target, Map<String, String> environment) {
        target.keySet().removeIf(key -> key.startsWith("AWS_"));
        target.put("AWS_EC2_METADATA_DISABLED", "true");
        target.put("AWS_CONFIG_FILE", "/nonexistent/aws-config");
        target.put("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials");
        target.putAll(environment);
    }

    private static Thread copier(InputStream from, ByteArrayOutputStream to) {
        Thread thread = new Thread(() -> {
            try {
                from.transferTo(to);
            } catch (IOException e) {
                // The process ended; what was read is kept.
            }
        });
        thread.setDaemon(true);
        thread.start();
        return thread;
    }
}
