package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

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
 * </pre>
 *
 * It prints the endpoint, where the trust PEM was written, and the credentials to sign with.
 */
@API(status = STABLE, since = "0.1.0")
public final class LocalFirehoseMain {

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
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            switch (flag) {
                case "--port" -> builder.port(Integer.parseInt(value(args, ++i, flag)));
                case "--stream" -> builder.stream(value(args, ++i, flag));
                case "--region" -> builder.region(value(args, ++i, flag));
                case "--output-dir" -> builder.outputDirectory(Path.of(value(args, ++i, flag)));
                case "--gzip" -> builder.gzip(true);
                case "--object-age-seconds" ->
                    builder.deliveryBuffering(
                            5L * 1024 * 1024, Duration.ofSeconds(Long.parseLong(value(args, ++i, flag))));
                case "--trust-pem" -> trustPem = Path.of(value(args, ++i, flag));
                case "--no-capture" -> builder.captureRecords(false);
                case "--role" -> builder.role(value(args, ++i, flag));
                case "--quota" -> {
                    String[] rates = value(args, ++i, flag).split(",", -1);
                    if (rates.length != 3) {
                        throw new IllegalArgumentException(
                                "--quota takes RECORDS_PER_S,REQUESTS_PER_S,BYTES_PER_S, was " + args[i]);
                    }
                    builder.quotaForAllStreams(new StreamQuota(
                            Long.parseLong(rates[0]), Long.parseLong(rates[1]), Long.parseLong(rates[2])));
                }
                case "--kms-key" -> {
                    String[] idAndAliases = value(args, ++i, flag).split(",", -1);
                    String id = idAndAliases[0];
                    kmsKeys.add(id);
                    builder.kmsKey(id, Arrays.copyOfRange(idAndAliases, 1, idAndAliases.length));
                }
                case "--help", "-h" -> {
                    out.println(
                            "usage: LocalFirehoseMain [--port N] [--stream NAME]... [--region R] [--output-dir DIR] [--gzip]"
                                    + " [--object-age-seconds S] [--trust-pem FILE] [--no-capture]"
                                    + " [--kms-key ID[,alias/NAME...]] [--role ARN]"
                                    + " [--quota RECORDS_PER_S,REQUESTS_PER_S,BYTES_PER_S]");
                    return null;
                }
                default -> throw new IllegalArgumentException("unknown flag " + flag + " (try --help)");
            }
        }
        LocalFirehose server = builder.start();
        if (trustPem == null) {
            trustPem = Files.createTempFile("local-firehose-ca-", ".pem");
        }
        server.writeTrustPem(trustPem);
        out.println("LocalFirehose listening on " + server.endpoint());
        out.println("region:            " + server.region());
        out.println("trust PEM:         " + trustPem.toAbsolutePath());
        out.println("access key id:     " + server.credentials().accessKeyId());
        out.println("secret access key: " + server.credentials().secretAccessKey());
        server.outputDirectory().ifPresent(dir -> out.println("output directory:  " + dir.toAbsolutePath()));
        for (String key : kmsKeys) {
            out.println("KMS key:           " + server.kmsKeyArn(key));
        }
        out.flush();
        return server;
    }

    private static String value(String[] args, int index, String flag) {
        if (index >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[index];
    }
}
