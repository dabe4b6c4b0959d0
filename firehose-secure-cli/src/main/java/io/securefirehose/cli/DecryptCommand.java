package io.securefirehose.cli;

import io.securefirehose.DecryptionFailedException;
import io.securefirehose.crypto.EnvelopeDecryptor;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import software.amazon.awssdk.regions.Region;

/** {@code decrypt}: turns delivered objects of an envelope-encrypted stream back into records. */
@Command(
        name = "decrypt",
        mixinStandardHelpOptions = true,
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

    @Option(names = "--tls-policy", description = "MODERN (default) or TLS13_ONLY")
    String tlsPolicy = "MODERN";

    @Option(names = "--allow-cidr", description = "range the KMS endpoint's addresses must lie in (repeatable)")
    List<String> allowCidrs = new ArrayList<>();

    @Option(names = "--out-dir", description = "write each object's records to <dir>/<object name>.records")
    @Nullable
    Path outDir;

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
                .tlsPolicy(connection.tls());
        if (kmsEndpoint != null) {
            kms.endpoint(kmsEndpoint);
        }
        if (!allowCidrs.isEmpty()) {
            kms.allowedCidrs(allowCidrs.toArray(new String[0]));
        }
        if (outDir != null) {
            Files.createDirectories(outDir);
        }
        long records = 0;
        try (KmsDataKeyDecrypter keys = kms.build();
                EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                        .expectedStreamArn(streamArn)
                        .dataKeys(keys)
                        .build()) {
            for (String object : objects) {
                try {
                    records += decrypt(decryptor, object);
                } catch (DecryptionFailedException e) {
                    io.err().println("error: " + object + ": " + FailureSummary.describe(e));
                    return 1;
                }
            }
        }
        io.err().println("decrypted " + records + " record(s) from " + objects.size() + " object(s)");
        return 0;
    }

    private long decrypt(EnvelopeDecryptor decryptor, String object) throws IOException {
        OutputStream target = outDir == null
                ? new NonClosing(System.out)
                : Files.newOutputStream(outDir.resolve(Path.of(object).getFileName() + ".records"));
        try (InputStream in = "-".equals(object) ? io.in() : Files.newInputStream(Path.of(object));
                OutputStream out = new BufferedOutputStream(target, 64 * 1024)) {
            io.out().flush();
            return decryptor.forEach(in, record -> {
                try {
                    out.write(record);
                    if (record.length == 0 || record[record.length - 1] != '\n') {
                        out.write('\n');
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    /** Standard output must stay open for the next object. */
    private static final class NonClosing extends java.io.FilterOutputStream {
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
