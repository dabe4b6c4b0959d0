package io.securefirehose.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.RequestPath;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Goodput against a stream quota: {@code LocalFirehose} in a child JVM enforces a bytes-per-second quota (as
 * Firehose does, refusing calls over it with {@code ServiceUnavailableException}), and the producer, with the
 * default security settings, pushes more than the quota allows, with adaptive rate control and without it
 * (fixed concurrency: {@code maxInFlightRequests} calls at any time, retries alone). Interleaved rounds.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.securefirehose.benchmarks.QuotaDriver
 *     [--quota-bytes 2097152] [--seconds 20] [--record-bytes 1024] [--rounds 2] [--out DIR] [--trace]
 * </pre>
 *
 * <p>Reports, per mode, goodput (record bytes acknowledged per second, from the first send until every record
 * completed) as a share of the quota, and the share of calls that Firehose throttled; {@code --trace} also prints,
 * each second, the send rate limit as a share of the quota and the throttled calls so far.
 */
public final class QuotaDriver {

    private QuotaDriver() {}

    /** The driver's settings. */
    record Settings(long quotaBytes, int seconds, int recordBytes, int rounds, Path out, boolean trace) {

        static Settings parse(String[] args) {
            Flags flags = Flags.parse(
                    args,
                    Set.of("--quota-bytes", "--seconds", "--record-bytes", "--rounds", "--out"),
                    Set.of("--trace"));
            long quota = flags.number("--quota-bytes", 2L * 1024 * 1024);
            int seconds = flags.integer("--seconds", 20);
            int recordBytes = flags.integer("--record-bytes", 1024);
            int rounds = flags.integer("--rounds", 2);
            Path out = flags.path("--out", Path.of("benchmarks", "target", "quota"));
            boolean trace = flags.has("--trace");
            if (quota < 1 || seconds < 1 || recordBytes < 1 || rounds < 1) {
                throw new IllegalArgumentException(
                        "--quota-bytes, --seconds, --record-bytes and --rounds must be" + " positive");
            }
            return new Settings(quota, seconds, recordBytes, rounds, out, trace);
        }

        /** Enough records for the run to last about {@code seconds} at the quota. */
        long records() {
            return Math.max(100, quotaBytes * seconds / recordBytes);
        }
    }

    /** One run's outcome. */
    record Result(
            String mode,
            long records,
            long failed,
            double seconds,
            double goodputBytesPerSecond,
            double requests,
            double throttled,
            double quotaBytes) {

        double goodputShare() {
            return goodputBytesPerSecond / quotaBytes;
        }

        double throttledShare() {
            return requests == 0 ? 0 : throttled / requests;
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

    static List<Result> run(Settings settings, PrintStream out) throws Exception {
        List<Result> results = new ArrayList<>();
        // Records and requests as in Firehose's largest regions; bytes per second as asked.
        String quota = "500000,2000," + settings.quotaBytes();
        try (LocalFirehoseProcess firehose = LocalFirehoseProcess.start(2, List.of("--quota", quota))) {
            for (int round = 0; round < settings.rounds(); round++) {
                for (String mode : List.of("adaptive", "fixed")) {
                    Result result = runOnce(firehose, mode, settings);
                    out.printf(
                            Locale.ROOT,
                            "round %d %-8s goodput %.1f %% of the quota, %.1f %% of %.0f calls throttled, %.1f s%n",
                            round,
                            mode,
                            100 * result.goodputShare(),
                            100 * result.throttledShare(),
                            result.requests(),
                            result.seconds());
                    results.add(result);
                }
            }
        }
        Files.createDirectories(settings.out());
        StringBuilder csv = new StringBuilder(
                "mode,record_bytes,quota_bytes_per_s,records,failed,seconds,goodput_bytes_per_s,goodput_share,"
                        + "requests,throttled,throttled_share\n");
        for (Result r : results) {
            csv.append(String.format(
                    Locale.ROOT,
                    "%s,%d,%.0f,%d,%d,%.2f,%.0f,%.4f,%.0f,%.0f,%.4f%n",
                    r.mode(),
                    settings.recordBytes(),
                    r.quotaBytes(),
                    r.records(),
                    r.failed(),
                    r.seconds(),
                    r.goodputBytesPerSecond(),
                    r.goodputShare(),
                    r.requests(),
                    r.throttled(),
                    r.throttledShare()));
        }
        Files.writeString(settings.out().resolve("quota.csv"), csv, StandardCharsets.UTF_8);
        out.println("wrote " + settings.out().resolve("quota.csv"));
        return results;
    }

    private static Result runOnce(LocalFirehoseProcess firehose, String mode, Settings settings) {
        long records = settings.records();
        // A longer delivery timeout than the default: without rate control, records may be throttled for long.
        try (ProducerWorkload workload = new ProducerWorkload(
                firehose,
                false,
                false,
                RequestPath.LEAN,
                b -> b.rateControl(mode.equals("adaptive")).deliveryTimeout(Duration.ofMinutes(10)))) {
            LatencySample latency = new LatencySample(records, 1_000);
            SimpleMeterRegistry meters = workload.meters();
            ScheduledExecutorService tracer = Executors.newSingleThreadScheduledExecutor();
            StringBuilder trace = new StringBuilder();
            if (settings.trace()) {
                tracer.scheduleAtFixedRate(
                        () -> trace.append(String.format(
                                Locale.ROOT,
                                " [%.2f %.0f]",
                                meters.get("firehose.producer.send.rate.limit")
                                                .gauge()
                                                .value()
                                        / settings.quotaBytes(),
                                meters.get("firehose.producer.requests.throttled")
                                        .counter()
                                        .count())),
                        1,
                        1,
                        TimeUnit.SECONDS);
            }
            long start = System.nanoTime();
            Workload.Outcome outcome = workload.run(records, settings.recordBytes(), latency, Pacer.unpaced());
            double seconds = (System.nanoTime() - start) / 1e9;
            tracer.shutdownNow();
            if (settings.trace()) {
                System.out.println("  limit/quota and throttled calls, each second:" + trace);
            }
            double requests = 0;
            for (Counter counter : meters.find("firehose.producer.requests").counters()) {
                requests += counter.count();
            }
            double throttled =
                    meters.get("firehose.producer.requests.throttled").counter().count();
            return new Result(
                    mode,
                    records,
                    outcome.failed(),
                    seconds,
                    outcome.acknowledged() * (double) settings.recordBytes() / seconds,
                    requests,
                    throttled,
                    settings.quotaBytes());
        }
    }
}
