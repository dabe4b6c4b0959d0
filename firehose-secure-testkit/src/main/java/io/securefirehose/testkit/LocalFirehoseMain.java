package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.testkit.internal.LocalKms;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Runs {@link LocalFirehose} standalone until the process is stopped:
 *
 * <pre>
 * java -cp firehose-secure-testkit.jar:... io.securefirehose.testkit.LocalFirehoseMain \
 *     [--port N] [--stream NAME]... [--region R] [--output-dir DIR] [--gzip] [--trust-pem FILE]
 *     [--kms-key ID[,alias/NAME...]]... [--role ARN]... [--quota RECORDS_PER_S,REQUESTS_PER_S,BYTES_PER_S]
 *     [--posture unprotected|compliant] [--acknowledge-only]
 * </pre>
 *
 * It prints the endpoint, where the trust PEM was written, the credentials to sign with, each stream's ARN, and a
 * block to paste into another shell that points {@code bin/firehose-secure} at it. A trust PEM it wrote to the
 * temporary directory (no {@code --trust-pem}) is deleted when the process ends.
 *
 * <p>{@code --acknowledge-only} is for load benchmarks that measure a client alone: every {@code PutRecordBatch} is
 * answered as accepted at once, with no signature check, decoding, quota or storage (STS and KMS are served in full).
 * Never point a test of the client's behaviour at it.
 */
@API(status = STABLE, since = "0.1.0")
public final class LocalFirehoseMain {

    /** The key {@code --posture compliant} protects the streams with when no {@code --kms-key} is given. */
    static final String POSTURE_KEY_ID = "5e6f7a8b-1c2d-3e4f-5a6b-7c8d9e0f1a2b";

    private static final String USAGE = "usage: LocalFirehoseMain [--port N] [--stream NAME]... [--region R]"
            + " [--output-dir DIR] [--gzip] [--object-age-seconds S] [--trust-pem FILE] [--no-capture]"
            + " [--acknowledge-only] [--kms-key ID[,alias/NAME...]]... [--role ARN]... [--quota RECORDS_PER_S,REQUESTS_PER_S,BYTES_PER_S]"
            + " [--posture unprotected|compliant]";

    private LocalFirehoseMain() {}

    /**
     * Starts the server and blocks until the JVM shuts down.
     *
     * @param args command line flags, see the class description
     * @throws IOException if the trust PEM cannot be written
     * @throws InterruptedException if interrupted while running
     */
    public static void main(String[] args) throws IOException, InterruptedException {
        LocalFirehose server = start(args, System.out);
        if (server == null) {
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            server.close();
                            stopped.countDown();
                        },
                        "local-firehose-shutdown"));
        stopped.await();
    }

    /**
     * Parses the flags, starts the server and prints how to reach it.
     *
     * @param args command line flags
     * @param out where to print
     * @return the running server, or {@code null} if only help was asked for
     * @throws IOException if the trust PEM cannot be written
     */
    static @Nullable LocalFirehose start(String[] args, PrintStream out) throws IOException {
        LocalFirehoseBuilder builder = LocalFirehose.builder();
        Path trustPem = null;
        List<String> kmsKeys = new ArrayList<>();
        List<String> streams = new ArrayList<>();
        boolean compliant = false;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--port" -> builder.port((int) number(value(args, ++i, flag), flag));
                case "--stream" -> streams.add(value(args, ++i, flag));
                case "--posture" -> compliant = compliant(value(args, ++i, flag));
                case "--region" -> builder.region(value(args, ++i, flag));
                case "--output-dir" -> builder.outputDirectory(Path.of(value(args, ++i, flag)));
                case "--gzip" -> builder.gzip(true);
                case "--object-age-seconds" ->
                    builder.deliveryBuffering(
                            5L * 1024 * 1024, Duration.ofSeconds(number(value(args, ++i, flag), flag)));
                case "--trust-pem" -> trustPem = Path.of(value(args, ++i, flag));
                case "--no-capture" -> builder.captureRecords(false);
                case "--acknowledge-only" -> builder.acknowledgeOnly();
                case "--role" -> builder.role(value(args, ++i, flag));
                case "--quota" -> {
                    String[] rates = value(args, ++i, flag).split(",", -1);
                    if (rates.length != 3) {
                        throw new IllegalArgumentException(
                                "--quota takes RECORDS_PER_S,REQUESTS_PER_S,BYTES_PER_S, was " + args[i]);
                    }
                    builder.quotaForAllStreams(
                            new StreamQuota(number(rates[0], flag), number(rates[1], flag), number(rates[2], flag)));
                }
                case "--kms-key" -> {
                    String[] idAndAliases = value(args, ++i, flag).split(",", -1);
                    String id = idAndAliases[0];
                    kmsKeys.add(id);
                    builder.kmsKey(id, Arrays.copyOfRange(idAndAliases, 1, idAndAliases.length));
                }
                case "--help", "-h" -> {
                    out.println(USAGE);
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown flag " + flag + " (try --help)");
            }
        }
        if (compliant && kmsKeys.isEmpty()) {
            kmsKeys.add(POSTURE_KEY_ID);
            builder.kmsKey(POSTURE_KEY_ID);
        }
        for (String stream : streams) {
            if (compliant) {
                builder.stream(
                        stream,
                        StreamPosture.compliant(LocalKms.keyArn(builder.region, builder.accountId, kmsKeys.get(0))));
            } else {
                builder.stream(stream);
            }
        }
        LocalFirehose server = builder.start();
        if (trustPem == null) {
            trustPem = Files.createTempFile("local-firehose-ca-", ".pem");
            // Written for this run only: gone when the process ends (Ctrl-C and SIGTERM included).
            trustPem.toFile().deleteOnExit();
        }
        server.writeTrustPem(trustPem);
        out.println("LocalFirehose listening on " + server.endpoint());
        out.println("region:            " + server.region());
        if (builder.acknowledgeOnly) {
            out.println(
                    "mode:              acknowledge-only: PutRecordBatch is neither checked nor stored (benchmarks)");
        }
        out.println("trust PEM:         " + trustPem.toAbsolutePath());
        out.println("access key id:     " + server.credentials().accessKeyId());
        out.println("secret access key: " + server.credentials().secretAccessKey());
        server.outputDirectory().ifPresent(dir -> out.println("output directory:  " + dir.toAbsolutePath()));
        for (String key : kmsKeys) {
            out.println("KMS key:           " + server.kmsKeyArn(key));
        }
        for (String stream : streams) {
            out.println("stream:            " + stream + "  " + server.streamArn(stream)
                    + (compliant ? "  (posture: compliant)" : ""));
        }
        printPasteBlock(server, trustPem, streams, kmsKeys, out);
        out.flush();
        return server;
    }

    /** Everything another shell needs to point {@code bin/firehose-secure} at this server, ready to paste. */
    private static void printPasteBlock(
            LocalFirehose server, Path trustPem, List<String> streams, List<String> kmsKeys, PrintStream out) {
        String endpoint = server.endpoint().toString();
        String stream = streams.isEmpty() ? "NAME" : streams.get(0);
        String flags = "--endpoint " + endpoint + " --kms-endpoint " + endpoint + " --sts-endpoint " + endpoint
                + " --trust-pem " + trustPem.toAbsolutePath() + " --stream-arn " + server.streamArn(stream);
        out.println();
        out.println("# To use it from another shell, paste:");
        out.println("export AWS_REGION=" + server.region() + " AWS_ACCESS_KEY_ID="
                + server.credentials().accessKeyId() + " AWS_SECRET_ACCESS_KEY="
                + server.credentials().secretAccessKey());
        out.println("LOCAL=\"" + flags + "\"");
        out.println("# then, for example (send and check take every flag in $LOCAL):");
        out.println("#   echo '{\"id\":1}' | bin/firehose-secure send --stream " + stream + " $LOCAL");
        if (!kmsKeys.isEmpty()) {
            out.println("#   echo '{\"id\":1}' | bin/firehose-secure send --stream " + stream + " $LOCAL --kms-key "
                    + server.kmsKeyArn(kmsKeys.get(0)));
        }
        out.println("#   bin/firehose-secure check --stream " + stream + " $LOCAL");
    }

    private static boolean compliant(String posture) {
        return switch (posture) {
            case "compliant" -> true;
            case "unprotected" -> false;
            default ->
                throw new IllegalArgumentException("--posture takes unprotected or compliant, was '" + posture + "'");
        };
    }

    private static long number(String text, String flag) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " takes a whole number, was '" + text + "'", e);
        }
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }
}
