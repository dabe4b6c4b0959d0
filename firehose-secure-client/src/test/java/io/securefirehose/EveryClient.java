package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeDecryptor;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.posture.PostureReport;
import io.securefirehose.posture.SecurityPosture;
import io.securefirehose.testkit.CapturedRecord;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseBuilder;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One call through every AWS client this SDK builds, each configured with the local endpoint: Firehose on the lean
 * and on the SDK-client path, STS (an assumed role), KMS for encryption, KMS for {@link KmsDataKeyDecrypter}, and the
 * posture describer. Used by the tests that prove the SDK's own endpoint-override sources are never consulted,
 * in-process and in a child JVM with environment variables.
 */
public final class EveryClient {

    /** The stream. */
    public static final String STREAM = "orders";

    /** The KMS key's id. */
    public static final String KEY_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    /** The role the producer assumes. */
    public static final String ROLE = "arn:aws:iam::000000000000:role/producer";

    private EveryClient() {}

    /** @return a builder for the endpoint every client is configured with */
    public static LocalFirehoseBuilder server() {
        return LocalFirehose.builder().stream(STREAM)
                .kmsKey(KEY_ID, "alias/orders")
                .role(ROLE);
    }

    /**
     * Makes one call with each client and checks its outcome.
     *
     * @param server the endpoint from {@link #server()}
     * @return what was called, one line per client
     * @throws Exception if a call did not succeed
     */
    public static List<String> exercise(LocalFirehose server) throws Exception {
        List<String> done = new ArrayList<>();
        for (RequestPath path : RequestPath.values()) {
            try (SecureFirehoseProducer producer = TestResources.producerFor(server, STREAM)
                    .linger(Duration.ZERO)
                    .requestPath(path)
                    .assumeRole(
                            AssumeRole.role(ROLE).stsEndpoint(server.endpoint()).build())
                    .envelopeEncryption(EnvelopeEncryption.withKmsKey(server.kmsKeyArn(KEY_ID))
                            .kmsEndpoint(server.endpoint())
                            .build())
                    .build()) {
                await(producer.send(("over " + path).getBytes(UTF_8)));
            }
            done.add("firehose " + path + " with sts and kms");
        }
        PostureReport report =
                SecurityPosture.check(TestResources.producerFor(server, STREAM).buildConfig());
        if (!report.streamArn().equals(server.streamArn(STREAM))) {
            throw new AssertionError("described " + report.streamArn());
        }
        done.add("describe");
        int decrypted = 0;
        try (KmsDataKeyDecrypter kms = TestResources.kmsDecrypterFor(server).build();
                EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                        .expectedStreamArn(server.streamArn(STREAM))
                        .dataKeys(kms)
                        .build()) {
            for (CapturedRecord record : server.records(STREAM)) {
                decrypted += decrypt(decryptor, record);
            }
        }
        if (decrypted != RequestPath.values().length) {
            throw new AssertionError("decrypted " + decrypted + " records");
        }
        done.add("kms decrypt");
        return done;
    }

    private static int decrypt(EnvelopeDecryptor decryptor, CapturedRecord record) throws IOException {
        int[] count = {0};
        decryptor.forEach(new ByteArrayInputStream(record.data()), plaintext -> count[0]++);
        return count[0];
    }

    private static void await(java.util.concurrent.CompletableFuture<RecordReceipt> future)
            throws InterruptedException, ExecutionException, TimeoutException {
        future.get(30, TimeUnit.SECONDS);
    }

    /**
     * Child-JVM entry point: starts a local endpoint, exercises every client, prints one line per client and
     * {@code all clients done}; exits 1 with the failure otherwise.
     *
     * @param args none
     */
    public static void main(String[] args) {
        try (LocalFirehose server = server().start()) {
            for (String line : exercise(server)) {
                System.out.println(line);
            }
            System.out.println("all clients done");
        } catch (Exception | AssertionError e) {
            e.printStackTrace(System.out);
            System.exit(1);
        }
    }
}
