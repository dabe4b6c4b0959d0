package io.securefirehose.benchmarks;

import io.securefirehose.records.FirehoseLimits;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Many producers, one quota: {@code LocalFirehose} in a child JVM enforces one stream's bytes-per-second quota (as
 * {@link QuotaDriver}), and 4, 8, ... separate producers ({@link SharedQuotaRun}) push more than it allows, the last
 * one joining late. Reports aggregate goodput as a share of the quota, the share of calls throttled, Jain's fairness
 * index across the producers while all of them run, and how long the late joiner took to reach its fair share.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.securefirehose.benchmarks.SharedQuotaDriver
 *     [--producers 4,8] [--modes adaptive,fixed] [--seconds 60] [--late-join 20] [--rounds 1]
 *     [--quota-bytes 2097152] [--buffer-bytes 2097152] [--max-batch-records 500] [--out benchmarks/target/quota]
 * </pre>
 *
 * <p>Writes {@code shared.csv} (one line per run), {@code shared-seconds.csv} (bytes acknowledged per producer and
 * second) and, for each producer count and mode of the last round, a chart {@code shared-MODE-N.png}.
 */
public final class SharedQuotaDriver {

    private static final int RECORD_BYTES = 1024;

    private SharedQuotaDriver() {}

    /** The driver's settings. */
    record Settings(
            List<Integer> producers,
            List<String> modes,
            int seconds,
            int lateJoinSeconds,
            int rounds,
            long quotaBytes,
            long bufferBytes,
            int maxBatchRecords,
            Path out) {

        static Settings parse(String[] args) {
            Flags flags = Flags.parse(
                    args,
                    Set.of(
                            "--producers",
                            "--modes",
                            "--seconds",
                            "--late-join",
                            "--rounds",
                            "--quota-bytes",
                            "--buffer-bytes",
                            "--max-batch-records",
                            "--out"),
                    Set.of());
            List<Integer> producers = flags.integers("--producers", List.of(4, 8));
            List<String> modes = flags.words("--modes", List.of("adaptive", "fixed"));
            int seconds = flags.integer("--seconds", 60);
            int lateJoin = flags.integer("--late-join", 20);
            int rounds = flags.integer("--rounds", 1);
            long quota = flags.number("--quota-bytes", 2L * 1024 * 1024);
            long buffer = flags.number("--buffer-bytes", 2L * 1024 * 1024);
            int maxBatchRecords = flags.integer("--max-batch-records", FirehoseLimits.MAX_RECORDS_PER_BATCH);
            Path out = flags.path("--out", Path.of("benchmarks", "target", "quota"));
            if (producers.stream().anyMatch(n -> n < 2) || seconds < 1 || rounds < 1 || quota < 1) {
                throw new IllegalArgumentException(
                        "--producers must be at least 2; --seconds, --rounds and --quota-bytes positive");
            }
            if (lateJoin < 0 || lateJoin >= seconds) {
                throw new IllegalArgumentException(
                        "--late-join must be 0 (no late joiner) or less than --seconds, was " + lateJoin);
            }
            if (!modes.stream().allMatch(m -> m.equals("adaptive") || m.equals("fixed"))) {
                throw new IllegalArgumentException("--modes takes adaptive and fixed, was " + modes);
            }
            return new Settings(producers, modes, seconds, lateJoin, rounds, quota, buffer, maxBatchRecords, out);
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

    static List<SharedQuotaRun.Outcome> run(Settings settings, PrintStream out) throws Exception {
        List<SharedQuotaRun.Outcome> outcomes = new ArrayList<>();
        StringBuilder summary = new StringBuilder("round,mode,producers,late_join_s,quota_bytes_per_s,goodput_share,"
                + "goodput_share_all_running,throttled_share,requests,jain_all_running,late_joiner_s_to_fair_share,"
                + "failed\n");
        StringBuilder perSecond = new StringBuilder("round,mode,producers,producer,second,acked_bytes\n");
        Files.createDirectories(settings.out());
        String quota = "500000,2000," + settings.quotaBytes();
        try (LocalFirehoseProcess firehose = LocalFirehoseProcess.start(2, List.of("--quota", quota))) {
            for (int round = 0; round < settings.rounds(); round++) {
                for (int producers : settings.producers()) {
                    for (String mode : settings.modes()) {
                        SharedQuotaRun.Outcome o = SharedQuotaRun.run(
                                firehose,
                                mode,
                                producers,
                                settings.seconds(),
                                settings.lateJoinSeconds(),
                                RECORD_BYTES,
                                settings.bufferBytes(),
                                settings.maxBatchRecords());
                        outcomes.add(o);
                        int from = settings.lateJoinSeconds();
                        int to = settings.seconds();
                        double q = settings.quotaBytes();
                        int toFair = o.secondsToFairShare(q);
                        out.printf(
                                Locale.ROOT,
                                "round %d %-8s %d producers: goodput %.1f %% of the quota (%.1f %% while all run),"
                                        + " %.1f %% of %.0f calls throttled, Jain %.3f while all run, late joiner at"
                                        + " its fair share after %s, %d failed%n",
                                round,
                                mode,
                                producers,
                                100 * o.aggregate(0, to) / q,
                                100 * o.aggregate(from, to) / q,
                                100 * o.throttledShare(),
                                o.requests(),
                                o.jain(from, to),
                                toFair < 0 ? "never" : toFair + " s",
                                o.failed());
                        summary.append(String.format(
                                Locale.ROOT,
                                "%d,%s,%d,%d,%.0f,%.4f,%.4f,%.4f,%.0f,%.4f,%d,%d%n",
                                round,
                                mode,
                                producers,
                                settings.lateJoinSeconds(),
                                q,
                                o.aggregate(0, to) / q,
                                o.aggregate(from, to) / q,
                                o.throttledShare(),
                                o.requests(),
                                o.jain(from, to),
                                toFair,
                                o.failed()));
                        for (int p = 0; p < producers; p++) {
                            for (int s = 0; s < to; s++) {
                                perSecond.append(String.format(
                                        Locale.ROOT,
                                        "%d,%s,%d,%d,%d,%d%n",
                                        round,
                                        mode,
                                        producers,
                                        p,
                                        s,
                                        o.ackedBytesPerSecond()[p][s]));
                            }
                        }
                        if (round == settings.rounds() - 1) {
                            QuotaChart.write(o, q, settings.out().resolve("shared-" + mode + "-" + producers + ".png"));
                        }
                    }
                }
            }
        }
        Files.writeString(settings.out().resolve("shared.csv"), summary, StandardCharsets.UTF_8);
        Files.writeString(settings.out().resolve("shared-seconds.csv"), perSecond, StandardCharsets.UTF_8);
        out.println("wrote " + settings.out().resolve("shared.csv") + ", shared-seconds.csv and the charts");
        return outcomes;
    }
}
