package io.securefirehose;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Closes what a test opened, newest first, after each test: register with {@code @RegisterExtension}. Not shared
 * between test instances.
 */
public final class TestResources implements AfterEachCallback {

    private final List<AutoCloseable> open = new ArrayList<>();

    /**
     * Closes {@code resource} after the test.
     *
     * @param resource what to close
     * @return the resource
     */
    public <T extends AutoCloseable> T add(T resource) {
        open.add(resource);
        return resource;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        open.clear();
        if (first != null) {
            throw first;
        }
    }

    /**
     * A producer builder aimed at a local endpoint: its address, credentials and certificate authority.
     *
     * @param server the local endpoint
     * @param stream the delivery stream
     * @return a builder the test completes
     */
    public static ProducerBuilder producerFor(io.securefirehose.testkit.LocalFirehose server, String stream) {
        return SecureFirehoseProducer.builder()
                .deliveryStream(stream)
                .region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(io.securefirehose.transport.TrustMaterial.fromPem(server.trustPem()));
    }

    /**
     * A KMS decrypter builder aimed at a local endpoint: its region, address, credentials and certificate authority.
     *
     * @param server the local endpoint
     * @return a builder the test completes
     */
    public static io.securefirehose.crypto.KmsDataKeyDecrypter.Builder kmsDecrypterFor(
            io.securefirehose.testkit.LocalFirehose server) {
        return io.securefirehose.crypto.KmsDataKeyDecrypter.builder()
                .region(software.amazon.awssdk.regions.Region.of(server.region()))
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(io.securefirehose.transport.TrustMaterial.fromPem(server.trustPem()));
    }

    /**
     * Decrypts every record the endpoint stored for a stream, whose plaintexts are {@code <prefix><number>} and a
     * line end, and counts how often each number was stored.
     *
     * @param server the local endpoint (its KMS holds the data keys)
     * @param stream the delivery stream
     * @param prefix what precedes each record's number
     * @return record number to the times it was stored
     * @throws java.io.IOException if a stored record does not decrypt
     */
    public static java.util.Map<Integer, Integer> storedRecordNumbers(
            io.securefirehose.testkit.LocalFirehose server, String stream, String prefix) throws java.io.IOException {
        java.util.Map<Integer, Integer> counts = new java.util.HashMap<>();
        storingCalls(server, stream, prefix).forEach((number, calls) -> counts.put(number, calls.size()));
        return counts;
    }

    /**
     * Decrypts every record the endpoint stored for a stream one by one; each must hold exactly one plaintext,
     * {@code <prefix><number>} and a line end.
     *
     * @param server the local endpoint (its KMS holds the data keys)
     * @param stream the delivery stream
     * @param prefix what precedes each record's number
     * @return record number to the calls (their sequence numbers) that stored it
     * @throws java.io.IOException if a stored record does not decrypt
     * @throws AssertionError if a stored record is not one such plaintext
     */
    public static java.util.Map<Integer, java.util.List<Long>> storingCalls(
            io.securefirehose.testkit.LocalFirehose server, String stream, String prefix) throws java.io.IOException {
        java.util.regex.Pattern sent =
                java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(prefix) + "(\\d+)\\r?\\n?");
        java.util.Map<Integer, java.util.List<Long>> storedBy = new java.util.HashMap<>();
        try (io.securefirehose.crypto.KmsDataKeyDecrypter kms =
                        kmsDecrypterFor(server).build();
                io.securefirehose.crypto.EnvelopeDecryptor decryptor =
                        io.securefirehose.crypto.EnvelopeDecryptor.builder()
                                .expectedStreamArn(server.streamArn(stream))
                                .dataKeys(kms)
                                .build()) {
            for (io.securefirehose.testkit.CapturedRecord record : server.records(stream)) {
                java.util.List<byte[]> plaintexts = decryptor.decryptAll(record.data());
                if (plaintexts.size() != 1) {
                    throw new AssertionError("stored record " + record.recordId() + " holds " + plaintexts.size()
                            + " plaintexts, not one");
                }
                String text = new String(plaintexts.get(0), java.nio.charset.StandardCharsets.UTF_8);
                java.util.regex.Matcher number = sent.matcher(text);
                if (!number.matches()) {
                    throw new AssertionError("stored record " + record.recordId() + " is not one the test sent");
                }
                storedBy.computeIfAbsent(Integer.parseInt(number.group(1)), n -> new java.util.ArrayList<>())
                        .add(record.requestSequence());
            }
        }
        return storedBy;
    }

    /**
     * Checks every message in a failure's cause chain for the secrets the local endpoint issued and for the
     * payload markers of {@code LogsHoldNoSecretsTest}.
     *
     * @param failure what a test saw
     * @return the failure
     */
    public static Throwable withoutSecrets(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            org.assertj.core.api.Assertions.assertThat(io.securefirehose.testkit.IssuedSecrets.findIn(message))
                    .as("a secret in the message of %s", t.getClass().getName())
                    .isEmpty();
            for (String payload : LogsHoldNoSecretsTest.PAYLOAD_MARKERS) {
                org.assertj.core.api.Assertions.assertThat(message)
                        .as("a payload in the message of %s", t.getClass().getName())
                        .doesNotContain(payload);
            }
        }
        return failure;
    }
}
