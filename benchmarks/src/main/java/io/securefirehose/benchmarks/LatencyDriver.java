package io.securefirehose.benchmarks;

import io.securefirehose.ProducerDefaults;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Latency below saturation: {@code LocalFirehose} in a child JVM; first the raw SDK baseline's saturation rate is
 * measured for each record size, then every configuration sends at a fixed offered load of a share of that rate
 * (open loop, see {@link Pacer}), interleaved round by round, and its send-to-acknowledgement latency is sampled
 * from each record's due time, from the run's second second on (each run builds a new client, whose start is not
 * its pace). The producers run with their defaults, so a record waits at most {@code linger} for
 * its batch; the baseline closes a batch after the same time.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.securefirehose.benchmarks.LatencyDriver
 *     [--sizes 1024] [--configs baseline,secure] [--offered 25,50,75] [--seconds 15] [--rounds 3]
 *     [--saturation-megabytes 300] [--out benchmarks/target/latency] [--acknowledge-only]
 * </pre>
 *
 * <p>The first round warms up and is not reported; the table shows, per field, the median of the other rounds, and
 * for every configuration but the baseline whether its p50 and p99 are within the baseline's plus {@code linger}.
 */
public final class LatencyDriver {

    private static final double LINGER_MILLIS = ProducerDefaults.LINGER.toNanos() / 1e6;

    private LatencyDriver() {}

    /** The driver's settings. */
    record Settings(
            List<Integer> sizes,
            List<String> configurations,
            List<Integer> offeredPercents,
            int seconds,
            int rounds,
            long saturationMegabytes,
            Path out,
            boolean acknowledgeOnly) {

        static Settings parse(String[] args) {
            Flags flags = Flags.parse(
                    args,
                    Set.of(
                            "--sizes",
                            "--configs",
                            "--offered",
                            "--seconds",
                            "--rounds",
                            "--saturation-megabytes",
                            "--out"),
                    Set.of("--acknowledge-only"));
            List<Integer> sizes = flags.integers("--sizes", List.of(1024));
            List<String> configurations = flags.words("--configs", List.of("baseline", "secure"));
            List<Integer> offered = flags.integers("--offered", List.of(25, 50, 75));
            int seconds = flags.integer("--seconds", 15);
            int rounds = flags.integer("--rounds", 3);
            long saturationMegabytes = flags.number("--saturation-megabytes", 300);
            Path out = flags.path("--out", Path.of("benchmarks", "target", "latency"));
            boolean acknowledgeOnly = flags.has("--acknowledge-only");
            if (rounds < 2) {
                throw new IllegalArgumentException("--rounds must be at least 2: the first one only warms up");
            }
            if (!configurations.contains("baseline")) {
                throw new IllegalArgumentException("--configs must include baseline: its latency is the bound");
            }
            if (seconds < 1 || saturationMegabytes < 1 || offered.stream().anyMatch(p -> p < 1 || p > 100)) {
                throw new IllegalArgumentException(
                        "--seconds and --saturation-megabytes must be positive, --offered percents 1 to 100");
            }
            return new Settings(
                    sizes, configurations, offered, seconds, rounds, saturationMegabytes, out, acknowledgeOnly);
        }
    }

    /** One configuration at one offered load: the medians of its reported rounds. */
    record Result(
            String configuration,
            int recordBytes,
            int offeredPercent,
            double offeredPerSecond,
            double achievedPerSecond,
            long failed,
            double cpuSecondsPerMillion,
            double p50Millis,
            double p99Millis) {}

    /**
     * Runs the driver.
     *
     * @param args see the class description
     */
    public static void main(String[] args) throws Exception {
        run(Settings.parse(args), System.out);
    }

    static List<Result> run(Settings settings, PrintStream out) throws Exception {
        Map<String, List<Result>> byKey = new LinkedHashMap<>();
        try (LocalFirehoseProcess firehose =
                LocalFirehoseProcess.start(2, settings.acknowledgeOnly() ? List.of("--acknowledge-only") : List.of())) {
            Map<Integer, Double> saturation = new LinkedHashMap<>();
            for (int size : settings.sizes()) {
                saturation.put(size, saturationRate(firehose, size, settings, out));
            }
            for (int round = 0; round < settings.rounds(); round++) {
                for (int size : settings.sizes()) {
                    for (int percent : settings.offeredPercents()) {
                        for (String configuration : settings.configurations()) {
                            double rate = saturation.get(size) * percent / 100.0;
                            Result result = runPaced(firehose, configuration, size, percent, rate, settings.seconds());
                            out.printf(
                                    Locale.ROOT,
                                    "round %d %3d %% (%,.0f/s) %-10s %6d B: achieved %,.0f/s, p50 %.1f ms, p99 %.1f ms,"
                                            + " %.2f CPU s/M%s%n",
                                    round,
                                    percent,
                                    rate,
                                    configuration,
                                    size,
                                    result.achievedPerSecond(),
                                    result.p50Millis(),
                                    result.p99Millis(),
                                    result.cpuSecondsPerMillion(),
                                    round == 0 ? " (warm-up, not reported)" : "");
                            if (round > 0) {
                                byKey.computeIfAbsent(
                                                size + "/" + percent + "/" + configuration, k -> new ArrayList<>())
                                        .add(result);
                            }
                        }
                    }
                }
            }
        }
        List<Result> medians = new ArrayList<>();
        byKey.values().forEach(runs -> medians.add(median(runs)));
        Files.createDirectories(settings.out());
        out.println();
        out.print(table(medians));
        Files.writeString(settings.out().resolve("latency.csv"), csv(medians), StandardCharsets.UTF_8);
        LatencyChart.write(medians, LINGER_MILLIS, settings.out().resolve("latency.png"));
        out.println("wrote " + settings.out().resolve("latency.csv") + " and "
                + settings.out().resolve("latency.png"));
        return medians;
    }

    /** The baseline's records/s at saturation: the mean of two runs after one that warms up. */
    private static double saturationRate(LocalFirehoseProcess firehose, int size, Settings settings, PrintStream out)
            throws Exception {
        long records = Math.max(1000, Math.min(1_000_000, settings.saturationMegabytes() * 1_000_000 / size));
        double sum = 0;
        for (int run = 0; run < 3; run++) {
            try (Workload workload = LoadDriver.workload(firehose, "baseline")) {
                long start = System.nanoTime();
                Workload.Outcome outcome = workload.run(records, size, new LatencySample(records, 1));
                double perSecond = outcome.acknowledged() / ((System.nanoTime() - start) / 1e9);
                if (run > 0) {
                    sum += perSecond;
                }
            }
        }
        double rate = sum / 2;
        out.printf(Locale.ROOT, "saturation of the baseline at %d B: %,.0f records/s%n", size, rate);
        return rate;
    }

    private static Result runPaced(
            LocalFirehoseProcess firehose, String configuration, int size, int percent, double rate, int seconds)
            throws Exception {
        long records = Math.max(100, (long) (rate * seconds));
        // Every run builds a new client (a new producer assumes its role and fills its slab pool first): what its
        // first second costs is not the latency of its pace, so records from then on are sampled.
        LatencySample latency = new LatencySample(records, 50_000, Math.min(records / 2, (long) rate));
        try (Workload workload = LoadDriver.workload(firehose, configuration)) {
            ProcessMeter.Reading before = ProcessMeter.read();
            Workload.Outcome outcome = workload.run(records, size, latency, Pacer.fixedRate(rate));
            ProcessMeter.Reading after = ProcessMeter.read();
            double wallSeconds = (after.wallNanos() - before.wallNanos()) / 1e9;
            return new Result(
                    configuration,
                    size,
                    percent,
                    rate,
                    records / wallSeconds,
                    outcome.failed(),
                    (after.cpuNanos() - before.cpuNanos()) / 1e9 / records * 1e6,
                    latency.percentileMillis(50),
                    latency.percentileMillis(99));
        }
    }

    static Result median(List<Result> runs) {
        Result first = runs.get(0);
        return new Result(
                first.configuration(),
                first.recordBytes(),
                first.offeredPercent(),
                first.offeredPerSecond(),
                median(runs.stream().mapToDouble(Result::achievedPerSecond).toArray()),
                (long) median(runs.stream().mapToDouble(Result::failed).toArray()),
                median(runs.stream().mapToDouble(Result::cpuSecondsPerMillion).toArray()),
                median(runs.stream().mapToDouble(Result::p50Millis).toArray()),
                median(runs.stream().mapToDouble(Result::p99Millis).toArray()));
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(sorted.length - 1) / 2];
    }

    static Result baselineFor(List<Result> results, Result r) {
        return results.stream()
                .filter(b -> b.recordBytes() == r.recordBytes()
                        && b.offeredPercent() == r.offeredPercent()
                        && b.configuration().equals("baseline"))
                .findFirst()
                .orElseThrow();
    }

    /** Whether a result's p50 and p99 are within the baseline's plus {@code linger}: the target of issue #23. */
    static boolean withinBound(List<Result> results, Result r) {
        Result base = baselineFor(results, r);
        return r.p50Millis() <= base.p50Millis() + LINGER_MILLIS && r.p99Millis() <= base.p99Millis() + LINGER_MILLIS;
    }

    static String table(List<Result> results) {
        StringBuilder out = new StringBuilder(String.format(
                Locale.ROOT,
                "%-7s %8s %10s %-10s %11s %8s %8s %8s %7s  %s%n",
                "size",
                "offered",
                "records/s",
                "config",
                "achieved/s",
                "p50 ms",
                "p99 ms",
                "CPU s/M",
                "failed",
                "within baseline + linger"));
        for (Result r : results) {
            Object[] values = row(results, r);
            values[0] = r.recordBytes() + " B";
            values[9] = r.configuration().equals("baseline")
                    ? "(bound: +" + LINGER_MILLIS + " ms)"
                    : withinBound(results, r) ? "yes" : "NO";
            out.append(
                    String.format(Locale.ROOT, "%-7s %7d%% %,10.0f %-10s %,11.0f %8.1f %8.1f %8.2f %7d  %s%n", values));
        }
        return out.toString();
    }

    static String csv(List<Result> results) {
        StringBuilder out = new StringBuilder("record_bytes,offered_percent,offered_per_s,configuration,achieved_per_s,"
                + "p50_ms,p99_ms,cpu_s_per_million,failed,within_baseline_plus_linger\n");
        for (Result r : results) {
            out.append(String.format(Locale.ROOT, "%d,%d,%.0f,%s,%.0f,%.3f,%.3f,%.4f,%d,%s%n", row(results, r)));
        }
        return out.toString();
    }

    /** One result's fields in table order; the last is whether it is within the bound, empty for the baseline. */
    private static Object[] row(List<Result> results, Result r) {
        return new Object[] {
            r.recordBytes(),
            r.offeredPercent(),
            r.offeredPerSecond(),
            r.configuration(),
            r.achievedPerSecond(),
            r.p50Millis(),
            r.p99Millis(),
            r.cpuSecondsPerMillion(),
            r.failed(),
            r.configuration().equals("baseline") ? "" : String.valueOf(withinBound(results, r))
        };
    }
}
