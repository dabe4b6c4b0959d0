package io.securefirehose.benchmarks;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The CLI's {@code send} against the library on the same lines: {@code LocalFirehose} in a child JVM, a file of
 * {@code --lines} lines of {@code --record-bytes} bytes, and, interleaved round by round, {@code bin/firehose-secure
 * send} and {@link LibraryLineSender} (the same producer settings, read in blocks) each in a fresh JVM with the file
 * as stdin, each also once with no input to measure what starting costs. Reports each one's process CPU per record
 * with and without that fixed cost, and the CLI's ratio to the library.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.securefirehose.benchmarks.CliSendDriver
 *     [--lines 1000000] [--record-bytes 1024] [--rounds 3] [--out benchmarks/target/cli]
 * </pre>
 *
 * <p>The first round warms the machine's caches and is not reported; the table shows the median of the others.
 */
public final class CliSendDriver {

    private static final List<String> PROGRAMS = List.of("cli", "library");

    private CliSendDriver() {}

    /** The driver's settings. */
    record Settings(long lines, int recordBytes, int rounds, Path out) {

        static Settings parse(String[] args) {
            Flags flags = Flags.parse(args, Set.of("--lines", "--record-bytes", "--rounds", "--out"), Set.of());
            Settings settings = new Settings(
                    flags.number("--lines", 1_000_000),
                    flags.integer("--record-bytes", 1024),
                    flags.integer("--rounds", 3),
                    flags.path("--out", Path.of("benchmarks", "target", "cli")));
            if (settings.lines() < 1 || settings.recordBytes() < 2 || settings.rounds() < 2) {
                throw new IllegalArgumentException(
                        "--lines must be positive, --record-bytes at least 2, --rounds at least 2 (the first warms up)");
            }
            return settings;
        }
    }

    /** One program's figures: process CPU seconds with the file and with no input, medians of the reported rounds. */
    record Result(String program, long lines, double cpuSeconds, double emptyCpuSeconds, long sent) {

        double microsPerRecord() {
            return cpuSeconds / lines * 1e6;
        }

        double microsPerRecordAfterStart() {
            return (cpuSeconds - emptyCpuSeconds) / lines * 1e6;
        }
    }

    /** What one child JVM reported. */
    record ChildRun(double cpuSeconds, long sent, long failed) {}

    /**
     * Runs the driver.
     *
     * @param args see the class description
     */
    public static void main(String[] args) throws Exception {
        run(Settings.parse(args), System.out);
    }

    static List<Result> run(Settings settings, PrintStream out) throws Exception {
        Files.createDirectories(settings.out());
        Path lines = writeLines(settings);
        Path empty = Files.writeString(settings.out().resolve("empty.txt"), "");
        List<List<ChildRun>> full = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<ChildRun>> idle = List.of(new ArrayList<>(), new ArrayList<>());
        try (LocalFirehoseProcess firehose = LocalFirehoseProcess.start(2)) {
            Path pem = Files.writeString(settings.out().resolve("trust.pem"), firehose.trustPem);
            for (int round = 0; round < settings.rounds(); round++) {
                for (int k = 0; k < PROGRAMS.size(); k++) {
                    // Alternate which one goes first, so that neither always runs on a machine the other warmed.
                    int p = (k + round) % PROGRAMS.size();
                    String program = PROGRAMS.get(p);
                    ChildRun run = runChild(firehose, program, pem, lines, settings.out());
                    ChildRun start = runChild(firehose, program, pem, empty, settings.out());
                    out.printf(
                            Locale.ROOT,
                            "round %d %-7s: %.2f CPU s for %d records (%d failed), %.2f CPU s with no input%s%n",
                            round,
                            program,
                            run.cpuSeconds(),
                            run.sent(),
                            run.failed(),
                            start.cpuSeconds(),
                            round == 0 ? " (warm-up, not reported)" : "");
                    if (round > 0) {
                        full.get(p).add(run);
                        idle.get(p).add(start);
                    }
                }
            }
        }
        List<Result> results = new ArrayList<>();
        for (int p = 0; p < PROGRAMS.size(); p++) {
            results.add(new Result(
                    PROGRAMS.get(p),
                    settings.lines(),
                    median(full.get(p).stream()
                            .mapToDouble(ChildRun::cpuSeconds)
                            .toArray()),
                    median(idle.get(p).stream()
                            .mapToDouble(ChildRun::cpuSeconds)
                            .toArray()),
                    (long) median(
                            full.get(p).stream().mapToDouble(ChildRun::sent).toArray())));
        }
        String table = table(results);
        out.println();
        out.print(table);
        Files.writeString(settings.out().resolve("cli.txt"), table, StandardCharsets.UTF_8);
        return results;
    }

    static String table(List<Result> results) {
        Result cli = results.get(0);
        Result library = results.get(1);
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%-8s %10s %10s %14s %14s %18s%n",
                "program",
                "records",
                "CPU s",
                "start CPU s",
                "us/record",
                "us/record - start"));
        for (Result r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-8s %,10d %10.2f %14.2f %14.2f %18.2f%n",
                    r.program(),
                    r.sent(),
                    r.cpuSeconds(),
                    r.emptyCpuSeconds(),
                    r.microsPerRecord(),
                    r.microsPerRecordAfterStart()));
        }
        out.append(String.format(
                Locale.ROOT,
                "cli / library: %.2fx CPU per record, %.2fx without the start-up%n",
                cli.microsPerRecord() / library.microsPerRecord(),
                cli.microsPerRecordAfterStart() / library.microsPerRecordAfterStart()));
        return out.toString();
    }

    private static Path writeLines(Settings settings) throws IOException {
        Path file = settings.out().resolve("lines-" + settings.lines() + "x" + settings.recordBytes() + ".txt");
        if (Files.exists(file) && Files.size(file) == settings.lines() * settings.recordBytes()) {
            return file;
        }
        char[] body = new char[settings.recordBytes() - 1];
        try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.US_ASCII)) {
            for (long i = 0; i < settings.lines(); i++) {
                Arrays.fill(body, (char) ('a' + (i % 26)));
                String id = Long.toString(i);
                id.getChars(0, Math.min(id.length(), body.length), body, 0);
                writer.write(body);
                writer.write('\n');
            }
        }
        return file;
    }

    private static ChildRun runChild(LocalFirehoseProcess firehose, String program, Path pem, Path input, Path dir)
            throws IOException, InterruptedException {
        String endpoint = firehose.endpoint.toString();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                CpuReportingMain.class.getName(),
                program));
        if (program.equals("cli")) {
            command.addAll(List.of(
                    "send",
                    "--stream",
                    LocalFirehoseProcess.STREAM,
                    "--region",
                    "us-east-1",
                    "--endpoint",
                    endpoint,
                    "--sts-endpoint",
                    endpoint,
                    "--trust-pem",
                    pem.toString(),
                    "--role-arn",
                    LocalFirehoseProcess.ROLE,
                    "--allow-cidr",
                    "127.0.0.0/8"));
        } else {
            command.addAll(List.of(
                    LocalFirehoseProcess.STREAM,
                    "us-east-1",
                    endpoint,
                    pem.toString(),
                    LocalFirehoseProcess.ROLE,
                    "127.0.0.0/8"));
        }
        Path stdout = dir.resolve(program + ".out");
        Path stderr = dir.resolve(program + ".err");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(input.toFile())
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        builder.environment().put("AWS_ACCESS_KEY_ID", firehose.accessKeyId);
        builder.environment().put("AWS_SECRET_ACCESS_KEY", firehose.secretAccessKey);
        builder.environment().remove("AWS_SESSION_TOKEN");
        Process process = builder.start();
        if (!process.waitFor(30, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException(program + " did not finish within 30 minutes");
        }
        String printed = Files.readString(stdout);
        String cpu = Files.readAllLines(stderr).stream()
                .filter(l -> l.startsWith(CpuReportingMain.CPU_LINE))
                .reduce((a, b) -> b)
                .orElseThrow(() -> new IOException(program + " reported no CPU time; stderr in " + stderr));
        long sent = 0;
        long failed = 0;
        for (String word : printed.trim().split("\\s+", -1)) {
            if (word.startsWith("sent=")) {
                sent = Long.parseLong(word.substring(5));
            } else if (word.startsWith("failed=")) {
                failed = Long.parseLong(word.substring(7));
            }
        }
        return new ChildRun(Long.parseLong(cpu.substring(CpuReportingMain.CPU_LINE.length())) / 1e9, sent, failed);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }
}
