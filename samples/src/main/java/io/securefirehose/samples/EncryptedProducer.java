package io.securefirehose.samples;

import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.crypto.EnvelopeDecryptor;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.TrustMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.regions.Region;

/**
 * Client-side envelope encryption end to end, against an embedded {@link LocalFirehose} that also plays KMS: sends
 * records encrypted with KMS data keys, shows that only ciphertext was delivered, then decrypts the delivered
 * objects the way a consumer of the S3 bucket would and checks that every record came back.
 *
 * <pre>
 * EncryptedProducer [--records N] [--output-dir DIR]
 * </pre>
 */
public final class EncryptedProducer {

    private static final String STREAM = "payments";
    private static final String KEY_ID = "8d7c6b5a-4e3f-2a1b-0c9d-8e7f6a5b4c3d";

    private EncryptedProducer() {}

    /**
     * Runs the sample and exits with 0 if every record came back from the delivered objects.
     *
     * @param args see the class description
     */
    public static void main(String[] args) throws IOException {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws IOException {
        int records = 10_000;
        Path outputDir = Path.of("target", "encrypted-output");
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--records" -> records = Integer.parseInt(args[i + 1]);
                case "--output-dir" -> outputDir = Path.of(args[i + 1]);
                default -> {
                    out.println(
                            "unknown flag " + args[i] + "; usage: EncryptedProducer [--records N] [--output-dir DIR]");
                    return 2;
                }
            }
        }
        try (LocalFirehose firehose = LocalFirehose.builder().stream(STREAM)
                .kmsKey(KEY_ID)
                .outputDirectory(outputDir)
                .gzip(true)
                .start()) {
            TrustMaterial trust = TrustMaterial.fromPem(firehose.trustPem());
            String streamArn = firehose.streamArn(STREAM);

            // The producer: the only difference from a plain one is envelopeEncryption(...).
            Set<String> sent = new HashSet<>();
            try (SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
                    .deliveryStream(STREAM)
                    .region(firehose.region())
                    .endpoint(firehose.endpoint())
                    .credentialsProvider(firehose.credentialsProvider())
                    .trustMaterial(trust)
                    .envelopeEncryption(EnvelopeEncryption.withKmsKey(firehose.kmsKeyArn(KEY_ID))
                            .streamArn(streamArn)
                            .kmsEndpoint(firehose.endpoint())
                            .build())
                    .build()) {
                List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
                for (int i = 0; i < records; i++) {
                    String record = "{\"payment\":" + i + ",\"card\":\"4111-xxxx-" + (1000 + i % 9000) + "\"}\n";
                    sent.add(record);
                    futures.add(producer.send(record.getBytes(StandardCharsets.UTF_8)));
                }
                producer.flush();
                futures.forEach(CompletableFuture::join);
            }
            firehose.flushDeliveries();
            List<Path> objects = firehose.deliveredObjects(STREAM);
            out.println("firehose-secure encrypted producer");
            out.println("  stream:             " + streamArn);
            out.println("  records sent:       " + records);
            out.println(
                    "  KMS data keys:      " + firehose.kmsCallCount("GenerateDataKey") + " (GenerateDataKey calls)");
            out.println("  delivered objects:  " + objects.size() + " in " + outputDir.toAbsolutePath());
            byte[] stored = firehose.records(STREAM).get(0).data();
            out.println("  a stored record:    " + HexFormat.of().formatHex(stored, 0, 24) + "... (" + stored.length
                    + " bytes of envelope frame, no plaintext)");

            // The consumer side: what lands in S3 is decrypted with one KMS Decrypt per data key.
            Set<String> received = new HashSet<>();
            long count = 0;
            try (KmsDataKeyDecrypter kms = KmsDataKeyDecrypter.builder()
                            .region(Region.of(firehose.region()))
                            .endpoint(firehose.endpoint())
                            .credentialsProvider(firehose.credentialsProvider())
                            .trustMaterial(trust)
                            .build();
                    EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                            .expectedStreamArn(streamArn)
                            .dataKeys(kms)
                            .build()) {
                for (Path object : objects) {
                    try (InputStream in = Files.newInputStream(object)) {
                        count += decryptor.forEach(in, r -> received.add(new String(r, StandardCharsets.UTF_8)));
                    }
                }
                out.println("  decrypted records:  " + count + " with " + decryptor.dataKeyDecryptions()
                        + " KMS Decrypt call(s)");
            }
            boolean complete = count == records && received.equals(sent);
            out.println("  round trip:         " + (complete ? "every record came back" : "MISMATCH"));
            return complete ? 0 : 1;
        }
    }
}
