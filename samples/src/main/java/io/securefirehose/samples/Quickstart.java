package io.securefirehose.samples;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.TrustMaterial;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Sends records through {@link SecureFirehoseProducer} and reports what happened.
 *
 * <p>Without {@code --stream} it starts an embedded {@link LocalFirehose} (HTTPS on loopback, its own certificate
 * authority, SigV4 checked) that writes what it receives to {@code --output-dir} the way Firehose writes to S3.
 * With {@code --stream} and {@code --region} it sends to real Amazon Kinesis Data Firehose with the default AWS
 * credentials chain ({@code --endpoint} for a VPC endpoint or another HTTPS URL).
 *
 * <pre>
 * Quickstart [--records N] [--record-size BYTES] [--output-dir DIR]
 * Quickstart --stream NAME --region REGION [--endpoint https://...] [--records N] [--record-size BYTES]
 * </pre>
 */
public final class Quickstart {

    private Quickstart() {}

    /**
     * Runs the quickstart and exits with 0 if every record was acknowledged.
     *
     * @param args see the class description
     */
    public static void main(String[] args) {
        System.exit(run(args, System.out));
    }

    /** The quickstart's settings, from the command line. */
    record Options(int records, int recordSize, String stream, String region, URI endpoint, Path outputDir) {

        static Options parse(String[] args) {
            int records = 100_000;
            int recordSize = 256;
            String stream = null;
            String region = null;
            URI endpoint = null;
            Path outputDir = Path.of("target", "quickstart-output");
            for (int i = 0; i < args.length; i += 2) {
                String flag = args[i];
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(flag + " needs a value");
                }
                String value = args[i + 1];
                switch (flag) {
                    case "--records" -> records = Integer.parseInt(value);
                    case "--record-size" -> recordSize = Integer.parseInt(value);
                    case "--stream" -> stream = value;
                    case "--region" -> region = value;
                    case "--endpoint" -> endpoint = URI.create(value);
                    case "--output-dir" -> outputDir = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            }
            if (records < 1 || recordSize < 16 || recordSize > 1_024_000) {
                throw new IllegalArgumentException("need --records >= 1 and 16 <= --record-size <= 1024000");
            }
            if ((stream == null) != (region == null)) {
                throw new IllegalArgumentException(
                        "--stream and --region go together (both for AWS, neither for local)");
            }
            return new Options(records, recordSize, stream, region, endpoint, outputDir);
        }

        boolean local() {
            return stream == null;
        }

        Options withStream(String name) {
            return new Options(records, recordSize, name, region, endpoint, outputDir);
        }
    }

    /**
     * Runs the quickstart.
     *
     * @param args see the class description
     * @param out where the report goes
     * @return 0 if every record was acknowledged, 1 if some failed, 2 for bad arguments
     */
    public static int run(String[] args, PrintStream out) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            out.println("quickstart: " + e.getMessage());
            return 2;
        }
        if (!options.local()) {
            ProducerBuilder builder = SecureFirehoseProducer.builder()
                    .deliveryStream(options.stream())
                    .region(options.region());
            if (options.endpoint() != null) {
                builder.endpoint(options.endpoint());
            }
            return sendAndReport(builder, options, out, "Amazon Kinesis Data Firehose, " + options.region(), null);
        }
        try (LocalFirehose firehose = LocalFirehose.builder().stream("quickstart")
                .outputDirectory(options.outputDir())
                .deliveryBuffering(5L * 1024 * 1024, Duration.ofSeconds(60))
                .captureRecords(false)
                .start()) {
            ProducerBuilder builder = SecureFirehoseProducer.builder()
                    .deliveryStream("quickstart")
                    .region(firehose.region())
                    .endpoint(firehose.endpoint())
                    .credentialsProvider(firehose.credentialsProvider())
                    .trustMaterial(TrustMaterial.fromPem(firehose.trustPem()));
            return sendAndReport(
                    builder,
                    options.withStream("quickstart"),
                    out,
                    "LocalFirehose, embedded, " + firehose.endpoint(),
                    firehose);
        }
    }

    // The callback settles both outcomes, so the future whenComplete returns has nothing left to report.
    @SuppressWarnings("FutureReturnValueIgnored")
    private static int sendAndReport(
            ProducerBuilder builder, Options options, PrintStream out, String target, LocalFirehose local) {
        LongAdder acknowledged = new LongAdder();
        LongAdder retried = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        long bytes = 0;
        long started = System.nanoTime();
        try (SecureFirehoseProducer producer =
                builder.linger(Duration.ofMillis(10)).maxInFlightRequests(8).build()) {
            for (int i = 0; i < options.records(); i++) {
                byte[] record = record(i, options.recordSize());
                bytes += record.length;
                CompletableFuture<RecordReceipt> future = producer.send(record);
                future.whenComplete((receipt, error) -> {
                    if (error == null) {
                        acknowledged.increment();
                        if (receipt.attempts() > 1) {
                            retried.increment();
                        }
                    } else {
                        failures.computeIfAbsent(describe(error), k -> new LongAdder())
                                .increment();
                    }
                });
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long failed = failures.values().stream().mapToLong(LongAdder::sum).sum();
        out.println("firehose-secure quickstart");
        out.printf("  target:        %s%n", target);
        out.printf("  stream:        %s%n", options.stream());
        out.printf("  records sent:  %,d (%,.1f MB)%n", options.records(), bytes / 1e6);
        out.printf("  acknowledged:  %,d (%,d after a retry)%n", acknowledged.sum(), retried.sum());
        out.printf("  failed:        %,d%n", failed);
        failures.forEach((cause, count) -> out.printf("    %,d x %s%n", count.sum(), cause));
        out.printf(
                "  time:          %.2f s (%,.0f records/s, %,.1f MB/s)%n",
                seconds, options.records() / seconds, bytes / 1e6 / seconds);
        if (local != null) {
            local.flushDeliveries();
            out.printf(
                    "  delivered to:  %s (%d S3-style object(s))%n",
                    options.outputDir().resolve("quickstart").toAbsolutePath(),
                    local.deliveredObjects("quickstart").size());
        } else {
            out.println("  delivered to:  the destination configured on the delivery stream");
        }
        return failed == 0 && acknowledged.sum() == options.records() ? 0 : 1;
    }

    private static String describe(Throwable error) {
        Throwable cause = error.getCause() != null ? error.getCause() : error;
        if (cause instanceof DeliveryFailedException failed) {
            return failed.getClass().getSimpleName() + " " + failed.errorCode() + ": " + failed.getMessage();
        }
        if (cause instanceof FirehoseSecureException secure) {
            return secure.getClass().getSimpleName() + ": " + secure.getMessage();
        }
        return cause.toString();
    }

    /** A JSON line of exactly {@code size} bytes. */
    static byte[] record(int sequence, int size) {
        StringBuilder json = new StringBuilder(size);
        json.append("{\"seq\":").append(sequence).append(",\"pad\":\"");
        while (json.length() < size - 3) {
            json.append('x');
        }
        json.append("\"}\n");
        byte[] bytes = json.toString().getBytes(StandardCharsets.US_ASCII);
        return bytes.length == size ? bytes : Arrays.copyOf(bytes, size);
    }
}
