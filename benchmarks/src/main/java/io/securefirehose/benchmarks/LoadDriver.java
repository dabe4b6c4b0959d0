package io.securefirehose.benchmarks;

import io.securefirehose.RequestPath;
import io.securefirehose.benchmarks.micro.CryptoProviders;
import io.securefirehose.transport.TlsEngine;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * The end-to-end load driver: {@code LocalFirehose} in a child JVM, and in this JVM, interleaved round by round
 * (A B C A B C ...), the raw SDK baseline and {@code SecureFirehoseProducer} configurations, for each record size.
 * Prints one table (ratios to the baseline of the same run first), and writes it as CSV and as a PNG chart.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.securefirehose.benchmarks.LoadDriver
 *     [--sizes 100,1024,10240]
 *     [--configs baseline,secure,secure-sdk,encrypted,coalesced,enc+coalesced,secure-boringssl,encrypted-boringssl]
 *     [--rounds 3]
 *     [--megabytes 100]
 *     [--max-records 1000000] [--out benchmarks/target/load] [--acknowledge-only] [--provider jdk|accp]
 * </pre>
 *
 * <p>Each run sends {@code --megabytes} of payload (at most {@code --max-records} records). The first round warms
 * the JVM up and is not reported; the table shows the median of the other rounds. With {@code --acknowledge-only} the
 * endpoint answers every {@code PutRecordBatch} at once without checking or decoding it, so that the machine's cores
 * measure the client (STS and KMS are still served in full). {@code --provider accp} installs Amazon Corretto Crypto
 * Provider first in the driver's JVM, so that the JDK's TLS engine, SigV4 and envelope encryption of every
 * configuration find its AES-GCM, SHA-256 and HMAC. The {@code -boringssl} configurations (not run unless named) are
 * {@code secure} and {@code encrypted} with {@code tlsEngine(TlsEngine.BORINGSSL)}.
 */
public final class LoadDriver {

    private LoadDriver() {}

    /** The driver's settings. */
    record Settings(
            List<Integer> sizes,
            List<String> configurations,
            int rounds,
            long megabytes,
            long maxRecords,
            Path out,
            boolean acknowledgeOnly,
            String provider) {

        static Settings parse(String[] args) {
            Flags flags = Flags.parse(
                    args,
                    Set.of("--sizes", "--configs", "--rounds", "--megabytes", "--max-records", "--out", "--provider"),
                    Set.of("--acknowledge-only"));
            List<Integer> sizes = flags.integers("--sizes", List.of(100, 1024, 10240));
            List<String> configurations = flags.words(
                    "--configs",
                    List.of("baseline", "secure", "secure-sdk", "encrypted", "coalesced", "enc+coalesced"));
            int rounds = flags.integer("--rounds", 3);
            long megabytes = flags.number("--megabytes", 100);
            long maxRecords = flags.number("--max-records", 1_000_000);
            Path out = flags.path("--out", Path.of("benchmarks", "target", "load"));
            boolean acknowledgeOnly = flags.has("--acknowledge-only");
            String provider = flags.words("--provider", List.of("jdk")).get(0);
            if (rounds < 2) {
                throw new IllegalArgumentException("--rounds must be at least 2: the first one only warms up");
            }
            if (!configurations.contains("baseline")) {
                throw new IllegalArgumentException("--configs must include baseline: every figure is a ratio to it");
            }
            if (!provider.equals("jdk") && !provider.equals("accp")) {
                throw new IllegalArgumentException("--provider takes jdk or accp, was " + provider);
            }
            return new Settings(sizes, configurations, rounds, megabytes, maxRecords, out, acknowledgeOnly, provider);
        }

        long records(int size) {
            return Math.max(1000, Math.min(maxRecords, megabytes * 1_000_000 / size));
        }
    }

    /**
     * Runs the driver.
     *
     * @param args see the class description
     */
    public static void main(String[] args) throws Exception {
        run(Settings.parse(args), System.out);
    }

    static List<RunResult> run(Settings settings, PrintStream out) throws Exception {
        // In this (the client's) JVM only, before any TLS context exists: every configuration of the run uses it.
        CryptoProviders.use(settings.provider());
        Map<String, List<RunResult>> byKey = new LinkedHashMap<>();
        try (LocalFirehoseProcess firehose =
                LocalFirehoseProcess.start(2, settings.acknowledgeOnly() ? List.of("--acknowledge-only") : List.of())) {
            out.println("LocalFirehose" + (settings.acknowledgeOnly() ? " (acknowledge-only)" : "")
                    + " in a child JVM at " + firehose.endpoint + "; crypto provider " + settings.provider() + "; "
                    + Runtime.getRuntime().availableProcessors() + " CPUs; Java " + System.getProperty("java.version"));
            for (int round = 0; round < settings.rounds(); round++) {
                for (int size : settings.sizes()) {
                    for (String configuration : settings.configurations()) {
                        Measured measured = runOnce(firehose, configuration, size, settings.records(size));
                        RunResult result = measured.result();
                        out.printf(
                                Locale.ROOT,
                                "round %d %-10s %6d B: %,.0f records/s, %.2f CPU s/M, %,.0f B/record%s%n",
                                round,
                                configuration,
                                size,
                                result.recordsPerSecond(),
                                result.cpuSecondsPerMillion(),
                                result.allocatedBytesPerRecord(),
                                round == 0 ? " (warm-up, not reported)" : "");
                        // Under the run's own line: the breakdown belongs to it.
                        out.println("  CPU by thread: " + measured.cpuByThread()
                                + String.format(
                                        Locale.ROOT,
                                        "; endpoint JVM %.2f CPU s/M",
                                        result.endpointCpuSeconds() / Math.max(1, result.records()) * 1e6));
                        if (round > 0) {
                            byKey.computeIfAbsent(size + "/" + configuration, k -> new ArrayList<>())
                                    .add(result);
                        }
                    }
                }
            }
        }
        List<RunResult> medians = new ArrayList<>();
        byKey.values().forEach(runs -> medians.add(median(runs)));
        Files.createDirectories(settings.out());
        String table = table(medians);
        out.println();
        out.print(table);
        Files.writeString(settings.out().resolve("load.csv"), csv(medians), StandardCharsets.UTF_8);
        Chart.write(medians, settings.out().resolve("load.png"));
        out.println("wrote " + settings.out().resolve("load.csv") + " and "
                + settings.out().resolve("load.png"));
        return medians;
    }

    private static Measured runOnce(LocalFirehoseProcess firehose, String configuration, int size, long records)
            throws Exception {
        LatencySample latency = new LatencySample(records, 100_000);
        try (Workload workload = workload(firehose, configuration)) {
            System.gc();
            double endpointBefore = firehose.cpuSeconds();
            ProcessMeter.Reading before = ProcessMeter.read();
            Workload.Outcome outcome = workload.run(records, size, latency);
            ProcessMeter.Reading after = ProcessMeter.read();
            double endpointSeconds = firehose.cpuSeconds() - endpointBefore;
            return new Measured(
                    new RunResult(
                            configuration,
                            size,
                            outcome.acknowledged(),
                            outcome.failed(),
                            (after.wallNanos() - before.wallNanos()) / 1e9,
                            (after.cpuNanos() - before.cpuNanos()) / 1e9,
                            after.allocatedBytes() - before.allocatedBytes(),
                            latency.percentileMillis(50),
                            latency.percentileMillis(99),
                            outcome.wireRecordBytes(),
                            outcome.firehoseRecords(),
                            (after.gcMillis() - before.gcMillis()) / 1000.0,
                            endpointSeconds),
                    ProcessMeter.Reading.cpuShares(before, after));
        }
    }

    /** A fresh workload of the named configuration (see the class description and docs/performance.md). */
    static Workload workload(LocalFirehoseProcess firehose, String configuration) {
        return switch (configuration) {
            case "baseline" -> new RawSdkWorkload(firehose);
            case "secure" -> new ProducerWorkload(firehose, false, false, RequestPath.LEAN);
            case "secure-sdk" -> new ProducerWorkload(firehose, false, false, RequestPath.SDK_CLIENT);
            case "encrypted" -> new ProducerWorkload(firehose, true, false, RequestPath.LEAN);
            case "coalesced" -> new ProducerWorkload(firehose, false, true, RequestPath.LEAN);
            case "enc+coalesced" -> new ProducerWorkload(firehose, true, true, RequestPath.LEAN);
            case "secure-boringssl" ->
                new ProducerWorkload(firehose, false, false, RequestPath.LEAN, b -> b.tlsEngine(TlsEngine.BORINGSSL));
            case "encrypted-boringssl" ->
                new ProducerWorkload(firehose, true, false, RequestPath.LEAN, b -> b.tlsEngine(TlsEngine.BORINGSSL));
            default -> throw new IllegalArgumentException("unknown configuration " + configuration);
        };
    }

    /** One run's figures and its process CPU by thread group. */
    private record Measured(RunResult result, String cpuByThread) {}

    /** Per field, the median over the runs (the lower middle for an even count). */
    static RunResult median(List<RunResult> runs) {
        RunResult first = runs.get(0);
        return new RunResult(
                first.configuration(),
                first.recordBytes(),
                (long) median(runs, r -> r.records()),
                (long) median(runs, r -> r.failed()),
                median(runs, RunResult::seconds),
                median(runs, RunResult::cpuSeconds),
                (long) median(runs, r -> r.allocatedBytes()),
                median(runs, RunResult::p50Millis),
                median(runs, RunResult::p99Millis),
                median(runs, RunResult::wireRecordBytes),
                median(runs, RunResult::firehoseRecords),
                median(runs, RunResult::gcSeconds),
                median(runs, RunResult::endpointCpuSeconds));
    }

    private static double median(List<RunResult> runs, ToDoubleFunction<RunResult> field) {
        double[] values = runs.stream().mapToDouble(field).sorted().toArray();
        return values[(values.length - 1) / 2];
    }

    static RunResult baselineFor(List<RunResult> results, int size) {
        return results.stream()
                .filter(r -> r.recordBytes() == size && r.configuration().equals("baseline"))
                .findFirst()
                .orElseThrow();
    }

    static String table(List<RunResult> results) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                Locale.ROOT,
                "%-7s %-13s %8s %9s %8s %13s %10s %8s %12s %9s %9s %8s %8s %14s %13s%n",
                "size",
                "config",
                "rec/s x",
                "CPU/rec x",
                "alloc x",
                "records/s",
                "MB/s",
                "CPU s/M",
                "alloc B/rec",
                "GC ms/s",
                "p50 ms",
                "p99 ms",
                "failed",
                "billed/payload",
                "endpoint s/M"));
        for (RunResult r : results) {
            Object[] values = row(r, baselineFor(results, r.recordBytes()));
            values[0] = r.recordBytes() + " B";
            out.append(String.format(
                    Locale.ROOT,
                    "%-7s %-13s %8.2f %9.2f %8.2f %,13.0f %10.1f %8.2f %,12.0f %9.0f %9.1f %8.1f %8d %14.1f %13.2f%n",
                    values));
        }
        return out.toString();
    }

    /** The figures of one result, in table order, ratios to the baseline first. */
    private static Object[] row(RunResult r, RunResult base) {
        return new Object[] {
            r.recordBytes(),
            r.configuration(),
            r.recordsPerSecond() / base.recordsPerSecond(),
            r.cpuSecondsPerMillion() / base.cpuSecondsPerMillion(),
            r.allocatedBytesPerRecord() / base.allocatedBytesPerRecord(),
            r.recordsPerSecond(),
            r.payloadMegabytesPerSecond(),
            r.cpuSecondsPerMillion(),
            r.allocatedBytesPerRecord(),
            r.gcMillisPerSecond(),
            r.p50Millis(),
            r.p99Millis(),
            r.failed(),
            r.billedBytesPerPayloadByte(),
            r.endpointCpuSecondsPerMillion()
        };
    }

    static String csv(List<RunResult> results) {
        StringBuilder out = new StringBuilder("record_bytes,configuration,records_per_s_ratio,cpu_per_record_ratio,"
                + "alloc_per_record_ratio,records_per_s,payload_mb_per_s,cpu_s_per_million,alloc_bytes_per_record,"
                + "gc_ms_per_s,p50_ms,p99_ms,failed,billed_bytes_per_payload_byte,endpoint_cpu_s_per_million\n");
        for (RunResult r : results) {
            out.append(String.format(
                    Locale.ROOT,
                    "%d,%s,%.4f,%.4f,%.4f,%.1f,%.3f,%.4f,%.1f,%.1f,%.3f,%.3f,%d,%.3f,%.4f%n",
                    row(r, baselineFor(results, r.recordBytes()))));
        }
        return out.toString();
    }
}
