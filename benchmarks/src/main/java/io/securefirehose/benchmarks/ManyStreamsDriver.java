package io.securefirehose.benchmarks;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseClient;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.transport.TrustMaterial;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Many streams from one process: one {@link SecureFirehoseClient} with 1, 10 and 100 streams, then 100 separate
 * {@link SecureFirehoseProducer}s, each at the same total offered rate spread evenly over the streams, against
 * {@code LocalFirehose} in a child JVM (acknowledging only, so that the endpoint is never the limit). Reports, for
 * the measured seconds: the live threads (peak), the heap in use after a full collection with every producer still
 * open, records acknowledged per second, and the process's CPU per record.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar io.securefirehose.benchmarks.ManyStreamsDriver
 *     [--client-streams 1,10,100] [--separate 100] [--rate 50000] [--seconds 20] [--warmup 5]
 *     [--record-bytes 200] [--senders 4] [--linger-ms 5] [--out benchmarks/target/streams]
 * </pre>
 *
 * <p>Static credentials for all: a role's session policy names at most a couple of dozen streams, so a client with
 * 100 streams needs several roles (see docs/producer.md). Appends one line per run to {@code streams.csv}.
 */
public final class ManyStreamsDriver {

    /** Records sent one after another between two waits of a sender. */
    private static final int BURST = 50;

    private ManyStreamsDriver() {}

    /** The driver's settings. */
    record Settings(
            List<Integer> clientStreams,
            int separate,
            double rate,
            int seconds,
            int warmup,
            int recordBytes,
            int senders,
            int lingerMillis,
            Path out) {

        static Settings parse(String[] args) {
            Flags flags = Flags.parse(
                    args,
                    Set.of(
                            "--client-streams",
                            "--separate",
                            "--rate",
                            "--seconds",
                            "--warmup",
                            "--record-bytes",
                            "--senders",
                            "--linger-ms",
                            "--out"),
                    Set.of());
            Settings settings = new Settings(
                    flags.integers("--client-streams", List.of(1, 10, 100)),
                    flags.integer("--separate", 100),
                    flags.number("--rate", 50_000),
                    flags.integer("--seconds", 20),
                    flags.integer("--warmup", 5),
                    flags.integer("--record-bytes", 200),
                    flags.integer("--senders", 4),
                    flags.integer("--linger-ms", 5),
                    flags.path("--out", Path.of("benchmarks", "target", "streams")));
            if (settings.clientStreams.stream().anyMatch(n -> n < 1)
                    || settings.separate < 0
                    || settings.rate <= 0
                    || settings.seconds < 1
                    || settings.warmup < 0
                    || settings.senders < 1
                    || settings.lingerMillis < 0) {
                throw new IllegalArgumentException("stream counts, --rate, --seconds and --senders must be positive");
            }
            return settings;
        }
    }

    /** What one run measured. */
    record Result(
            String setup,
            int streams,
            int peakThreads,
            double heapMiB,
            double recordsPerSecond,
            double cpuMicrosPerRecord,
            long failed,
            long sent,
            long acknowledged,
            String cpuShares) {

        String row() {
            return String.format(
                    Locale.ROOT,
                    "| %s | %d | %d | %.0f | %.0f | %.2f | %d |",
                    setup,
                    streams,
                    peakThreads,
                    heapMiB,
                    recordsPerSecond,
                    cpuMicrosPerRecord,
                    failed);
        }

        String csv() {
            return String.format(
                    Locale.ROOT,
                    "%s,%d,%d,%.1f,%.0f,%.3f,%d",
                    setup,
                    streams,
                    peakThreads,
                    heapMiB,
                    recordsPerSecond,
                    cpuMicrosPerRecord,
                    failed);
        }
    }

    public static void main(String[] args) throws Exception {
        run(Settings.parse(args), System.out);
    }

    /**
     * Runs every setup in turn against one endpoint, prints a table row per run, appends them to the CSV.
     *
     * @return what each run measured
     */
    static List<Result> run(Settings settings, PrintStream out) throws Exception {
        int most = Math.max(
                settings.separate,
                settings.clientStreams.stream().max(Integer::compare).orElse(1));
        List<String> flags = new ArrayList<>(List.of("--acknowledge-only"));
        for (int i = 0; i < most; i++) {
            flags.add("--stream");
            flags.add(stream(i));
        }
        List<Result> results = new ArrayList<>();
        try (LocalFirehoseProcess endpoint = LocalFirehoseProcess.start(4, flags)) {
            for (int streams : settings.clientStreams) {
                results.add(runClient(endpoint, settings, streams));
                out.println(results.get(results.size() - 1).row());
            }
            if (settings.separate > 0) {
                results.add(runSeparate(endpoint, settings));
                out.println(results.get(results.size() - 1).row());
            }
        }
        Files.createDirectories(settings.out);
        Path csv = settings.out.resolve("streams.csv");
        if (!Files.exists(csv)) {
            Files.writeString(
                    csv,
                    "setup,streams,peak_threads,heap_mib,records_per_s,cpu_us_per_record,failed\n",
                    StandardCharsets.UTF_8);
        }
        for (Result result : results) {
            Files.writeString(csv, result.csv() + "\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        }
        out.println("| setup | streams | peak threads | heap in use, MiB | records/s | CPU µs/record | failed |");
        results.forEach(result -> out.println(result.row()));
        results.forEach(result -> out.println(
                result.setup() + ", " + result.streams() + " streams, CPU by thread: " + result.cpuShares()));
        return results;
    }

    /** The linger, when it is not the producer's default, in the setup's name. */
    private static String lingerNote(Settings settings) {
        return settings.lingerMillis == 5 ? "" : " (linger " + settings.lingerMillis + " ms)";
    }

    private static String stream(int i) {
        return "stream-" + i;
    }

    private static ProducerBuilder settings(LocalFirehoseProcess endpoint, Settings settings) {
        return SecureFirehoseProducer.builder()
                .linger(Duration.ofMillis(settings.lingerMillis))
                .region("us-east-1")
                .endpoint(endpoint.endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(endpoint.accessKeyId, endpoint.secretAccessKey)))
                .trustMaterial(TrustMaterial.fromPem(endpoint.trustPem));
    }

    private static Result runClient(LocalFirehoseProcess endpoint, Settings settings, int streams) throws Exception {
        SecureFirehoseClient client = SecureFirehoseClient.builder()
                .settings(settings(endpoint, settings))
                .build();
        try {
            List<SecureFirehoseProducer> producers = new ArrayList<>();
            for (int i = 0; i < streams; i++) {
                producers.add(client.producer(stream(i)));
            }
            return measure("one client" + lingerNote(settings), producers, settings);
        } finally {
            client.close();
        }
    }

    private static Result runSeparate(LocalFirehoseProcess endpoint, Settings settings) throws Exception {
        List<SecureFirehoseProducer> producers = new ArrayList<>();
        try {
            for (int i = 0; i < settings.separate; i++) {
                producers.add(
                        settings(endpoint, settings).deliveryStream(stream(i)).build());
            }
            return measure("separate producers" + lingerNote(settings), producers, settings);
        } finally {
            for (SecureFirehoseProducer producer : producers) {
                producer.close();
            }
        }
    }

    /** Sends at the offered rate from the sender threads, round robin over the producers; measures after warm-up. */
    private static Result measure(String setup, List<SecureFirehoseProducer> producers, Settings settings)
            throws Exception {
        LongAdder sentCount = new LongAdder();
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        byte[] record = new byte[settings.recordBytes];
        Arrays.fill(record, (byte) 'x');
        long totalSeconds = settings.warmup + settings.seconds;
        double perSender = settings.rate / settings.senders;
        List<Thread> senders = new ArrayList<>();
        for (int s = 0; s < settings.senders; s++) {
            int first = s;
            Thread sender = new Thread(
                    () -> {
                        // Paced a burst at a time: parking once per record would cost more CPU than sending it.
                        Pacer pacer = Pacer.fixedRate(perSender / BURST);
                        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(totalSeconds);
                        long i = 0;
                        long burst = 0;
                        do { // at least one burst, however late the thread starts
                            pacer.awaitDue(burst++);
                            for (int b = 0; b < BURST; b++, i++) {
                                SecureFirehoseProducer producer =
                                        producers.get((int) ((first + i * settings.senders) % producers.size()));
                                CompletableFuture<RecordReceipt> sent = producer.send(record);
                                sentCount.increment();
                                sent.whenComplete(
                                        (receipt, error) -> (error == null ? acknowledged : failed).increment());
                            }
                        } while (System.nanoTime() < end);
                    },
                    "bench-sender-" + s);
            senders.add(sender);
            sender.start();
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread.sleep(TimeUnit.SECONDS.toMillis(settings.warmup));
        threads.resetPeakThreadCount();
        long ackedBefore = acknowledged.sum();
        ProcessMeter.Reading before = ProcessMeter.read();
        Thread.sleep(TimeUnit.SECONDS.toMillis(settings.seconds));
        ProcessMeter.Reading after = ProcessMeter.read();
        long acked = acknowledged.sum() - ackedBefore;
        int peakThreads = threads.getPeakThreadCount();
        for (Thread sender : senders) {
            sender.join(TimeUnit.SECONDS.toMillis(30));
        }
        for (SecureFirehoseProducer producer : producers) {
            producer.flush();
        }
        // flush returns once every future completed; the counting callbacks run right after, on the sender thread.
        long settleBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (acknowledged.sum() + failed.sum() < sentCount.sum() && System.nanoTime() < settleBy) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        memory.gc();
        memory.gc();
        double heapMiB = memory.getHeapMemoryUsage().getUsed() / (1024.0 * 1024.0);
        double seconds = (after.wallNanos() - before.wallNanos()) / 1e9;
        double cpuMicros = (after.cpuNanos() - before.cpuNanos()) / 1e3 / Math.max(1, acked);
        return new Result(
                setup,
                producers.size(),
                peakThreads,
                heapMiB,
                acked / seconds,
                cpuMicros,
                failed.sum(),
                sentCount.sum(),
                acknowledged.sum(),
                ProcessMeter.Reading.cpuShares(before, after));
    }
}
