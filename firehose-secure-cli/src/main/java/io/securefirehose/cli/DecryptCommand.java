package io.securefirehose.cli;

import io.securefirehose.crypto.EnvelopeDecryptor;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.errors.DecryptionFailedException;
import io.securefirehose.internal.spill.PrivateDirectory;
import io.securefirehose.internal.text.Printable;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.regions.Region;

/** {@code decrypt}: turns delivered objects of an envelope-encrypted stream back into records. */
@Command(
        name = "decrypt",
        mixinStandardHelpOptions = true,
        versionProvider = FirehoseSecureCli.Version.class,
        description = "Decrypt objects as Firehose delivered them (plain or gzip) and write the records: to stdout,"
                + " each followed by a newline unless it ends with one, or with --out-dir one file per object.")
final class DecryptCommand implements Callable<Integer> {

    @Option(names = "--stream-arn", required = true, description = "the stream every record must belong to")
    String streamArn = "";

    @Option(names = "--region", description = "region of the KMS key (default: $AWS_REGION)")
    @Nullable
    String region;

    @Option(names = "--kms-endpoint", description = "HTTPS KMS endpoint instead of the regional one")
    @Nullable
    URI kmsEndpoint;

    @Option(names = "--trust-pem", description = "PEM file of the certificate authorities to trust")
    @Nullable
    Path trustPem;

    @Option(names = "--tls-policy", description = "MODERN (default), TLS13_ONLY or FIPS")
    String tlsPolicy = "MODERN";

    @Option(
            names = "--fips",
            description = "use the region's KMS FIPS endpoint (refused where it has none); implies --tls-policy FIPS"
                    + " unless TLS13_ONLY")
    boolean fips;

    @Option(names = "--dual-stack", description = "use the region's dual-stack (IPv4 and IPv6) KMS endpoint")
    boolean dualStack;

    @Option(names = "--allow-cidr", description = "range the KMS endpoint's addresses must lie in (repeatable)")
    List<String> allowCidrs = new ArrayList<>();

    @Option(
            names = "--out-dir",
            description = "write each object's records to <dir>/<object name>.records; the directory is created"
                    + " 0700 (an existing one must be yours and not group/world writable), files 0600, never"
                    + " overwritten")
    @Nullable
    Path outDir;

    @Option(
            names = "--skip-bad-frames",
            description = "report a frame that cannot be decrypted (offset, reason) and go on with the next valid"
                    + " one; exit code 1 if any was skipped")
    boolean skipBadFrames;

    @Parameters(arity = "1..*", paramLabel = "OBJECT", description = "delivered objects; '-' for stdin")
    List<String> objects = new ArrayList<>();

    private final FirehoseSecureCli.Io io;

    DecryptCommand(FirehoseSecureCli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        ConnectionOptions connection = new ConnectionOptions();
        connection.region = region;
        connection.trustPem = trustPem;
        connection.tlsPolicy = tlsPolicy;
        KmsDataKeyDecrypter.Builder kms = KmsDataKeyDecrypter.builder()
                .region(Region.of(connection.region()))
                .trustMaterial(connection.trust())
                .tlsPolicy(connection.tls())
                .fipsEnabled(fips)
                .dualStackEnabled(dualStack);
        if (kmsEndpoint != null) {
            kms.endpoint(kmsEndpoint);
        }
        if (!allowCidrs.isEmpty()) {
            kms.allowedCidrs(allowCidrs.toArray(new String[0]));
        }
        PrivateDirectory out = null;
        if (outDir != null) {
            String clash = sameOutputName();
            if (clash != null) {
                io.err().println("error: " + clash);
                return 1;
            }
            try {
                out = PrivateDirectory.createOrCheck(outDir, "--out-dir", null);
            } catch (IllegalStateException refused) {
                io.err().println("error: " + refused.getMessage());
                return 1;
            }
        }
        long records = 0;
        long skipped = 0;
        try (KmsDataKeyDecrypter keys = kms.build();
                EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                        .expectedStreamArn(streamArn)
                        .dataKeys(keys)
                        .build()) {
            for (String object : objects) {
                long[] skippedHere = {0};
                try {
                    records += decrypt(decryptor, object, out, bad -> {
                        skippedHere[0]++;
                        io.err()
                                .println("skipped: " + Printable.of(object) + ": record at byte offset " + bad.offset()
                                        + ": " + bad.reason());
                    });
                } catch (DecryptionFailedException e) {
                    io.err().println("error: " + Printable.of(object) + ": " + FailureSummary.describe(e));
                    return 1;
                } catch (FileAlreadyExistsException e) {
                    io.err()
                            .println(
                                    "error: " + e.getFile() + " already exists: decrypted records are never"
                                            + " written over a file (or through a link); remove it or choose another --out-dir");
                    return 1;
                }
                skipped += skippedHere[0];
            }
        }
        io.err()
                .println("decrypted " + records + " record(s) from " + objects.size() + " object(s)"
                        + (skipBadFrames ? "; skipped " + skipped + " bad frame(s)" : ""));
        return skipped > 0 ? 1 : 0;
    }

    /**
     * Two inputs with the same base name would write the same output file: refused before anything is read.
     *
     * @return the refusal, or {@code null} if every output name is distinct
     */
    private @Nullable String sameOutputName() {
        Map<String, String> byName = new HashMap<>();
        for (String object : objects) {
            String name = outputName(object);
            String earlier = byName.putIfAbsent(name, object);
            if (earlier != null) {
                return "inputs " + Printable.of(earlier) + " and " + Printable.of(object) + " would both be written to "
                        + Printable.of(name) + " in --out-dir: decrypt them into separate directories";
            }
        }
        return null;
    }

    private static String outputName(String object) {
        return ("-".equals(object) ? "stdin" : String.valueOf(Path.of(object).getFileName())) + ".records";
    }

    private long decrypt(
            EnvelopeDecryptor decryptor,
            String object,
            @Nullable PrivateDirectory out,
            Consumer<DecryptionFailedException> badFrames)
            throws IOException {
        OutputStream target = out == null
                ? new NonClosing(System.out)
                : Channels.newOutputStream(out.createOwnerOnly(outputName(object)));
        try (InputStream in = "-".equals(object) ? io.in() : Files.newInputStream(Path.of(object));
                OutputStream sink = new BufferedOutputStream(target, 64 * 1024)) {
            io.out().flush();
            Consumer<byte[]> write = record -> {
                try {
                    sink.write(record);
                    if (record.length == 0 || record[record.length - 1] != '\n') {
                        sink.write('\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            };
            return skipBadFrames ? decryptor.forEach(in, write, badFrames) : decryptor.forEach(in, write);
        }
    }

    /** Standard output must stay open for the next object. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
