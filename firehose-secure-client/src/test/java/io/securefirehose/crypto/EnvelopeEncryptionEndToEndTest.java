package io.securefirehose.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.testkit.CapturedKmsCall;
import io.securefirehose.testkit.CapturedRecord;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseBuilder;
import io.securefirehose.transport.TrustMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.regions.Region;

/**
 * Envelope encryption end to end: the producer encrypts with data keys from the testkit's KMS over verified TLS,
 * Firehose stores only ciphertext, and the decryptor turns the delivered objects back into what was sent.
 */
class EnvelopeEncryptionEndToEndTest {

    private static final String STREAM = "orders";
    private static final String KEY_ID = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
    private static final String ROLE = "arn:aws:iam::000000000000:role/producer";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private LocalFirehose server(UnaryOperator<LocalFirehoseBuilder> settings) {
        return resources.add(
                settings.apply(LocalFirehose.builder().stream(STREAM).kmsKey(KEY_ID, "alias/orders"))
                        .start());
    }

    private SecureFirehoseProducer producer(LocalFirehose server, UnaryOperator<ProducerBuilder> settings) {
        SecureFirehoseProducer producer = settings.apply(TestResources.producerFor(server, STREAM)
                        .retryBackoff(Duration.ofMillis(1), Duration.ofMillis(20))
                        .envelopeEncryption(encryption(server, server.endpoint())))
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    private static EnvelopeEncryption encryption(LocalFirehose server, URI kms) {
        return EnvelopeEncryption.withKmsKey(server.kmsKeyArn(KEY_ID))
                .streamArn(server.streamArn(STREAM))
                .kmsEndpoint(kms)
                .build();
    }

    private EnvelopeDecryptor decryptor(LocalFirehose server) {
        KmsDataKeyDecrypter kms = KmsDataKeyDecrypter.builder()
                .region(Region.of(server.region()))
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .build();
        resources.add(kms);
        EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                .expectedStreamArn(server.streamArn(STREAM))
                .dataKeys(kms)
                .build();
        resources.add(decryptor);
        return decryptor;
    }

    private static String digest(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest(name = "gzip={0}")
    @ValueSource(booleans = {false, true})
    void deliveredObjectsDecryptToExactlyWhatWasSentAndFirehoseSawOnlyCiphertext(boolean gzip, @TempDir Path dir)
            throws Exception {
        LocalFirehose server = server(b -> b.outputDirectory(dir).gzip(gzip));
        SecureFirehoseProducer producer = producer(server, b -> b);
        int largest = encryption(server, server.endpoint())
                .forStream(STREAM, server.region(), null, "aws")
                .maxPlaintextBytes();
        SplittableRandom random = new SplittableRandom(11);
        List<byte[]> sent = new ArrayList<>();
        sent.add(new byte[0]);
        sent.add(new byte[] {42});
        for (int i = 0; i < 300; i++) {
            sent.add(("{\"order\":" + i + ",\"card\":\"secret-" + i + "\"}\n").getBytes(UTF_8));
        }
        byte[] big = new byte[largest];
        random.nextBytes(big);
        sent.add(big);
        List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
        for (byte[] record : sent) {
            futures.add(producer.send(record));
        }
        producer.flush();
        for (CompletableFuture<RecordReceipt> future : futures) {
            assertThat(future.get(30, TimeUnit.SECONDS).recordId()).isNotBlank();
        }
        producer.close();
        server.flushDeliveries();

        List<CapturedRecord> captured = server.records(STREAM);
        assertThat(captured).hasSize(sent.size());
        for (CapturedRecord record : captured) {
            assertThat(HexFormat.of().formatHex(record.data(), 0, 5)).isEqualTo("4648534501");
            assertThat(record.size()).isLessThanOrEqualTo(1_024_000);
            assertThat(io.securefirehose.internal.keys.KeyResidue.contains(record.data(), "secret-".getBytes(UTF_8)))
                    .isFalse();
        }
        assertThat(server.kmsCallCount("GenerateDataKey")).isEqualTo(1);

        EnvelopeDecryptor decryptor = decryptor(server);
        List<String> received = new ArrayList<>();
        List<Path> objects = server.deliveredObjects(STREAM);
        assertThat(objects).isNotEmpty();
        for (Path object : objects) {
            try (InputStream in = Files.newInputStream(object)) {
                decryptor.forEach(in, plaintext -> received.add(digest(plaintext)));
            }
        }
        assertThat(received)
                .containsExactlyInAnyOrderElementsOf(sent.stream()
                        .map(EnvelopeEncryptionEndToEndTest::digest)
                        .toList());
        assertThat(decryptor.dataKeyDecryptions()).isEqualTo(1);
        assertThat(server.kmsCallCount("Decrypt")).isEqualTo(1);
        CapturedKmsCall generate = server.kmsRequests().get(0);
        assertThat(generate.encryptionContext())
                .containsEntry(LeastPrivilegePolicies.STREAM_CONTEXT_KEY, server.streamArn(STREAM));
    }

    @Test
    void packedRecordsAreEncryptedOncePerPackAndReadBackOneByOne(@TempDir Path dir) throws Exception {
        LocalFirehose server = server(b -> b.outputDirectory(dir).gzip(true));
        SecureFirehoseProducer producer = producer(
                server,
                b -> b.coalescing(
                        io.securefirehose.records.Coalescing.newlineDelimited().maxRecordBytes(10_000)));
        List<String> sent = new ArrayList<>();
        List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            String record = "{\"order\":" + i + ",\"note\":\"" + "x".repeat(i % 90) + "\"}";
            sent.add(record);
            futures.add(producer.send(record.getBytes(UTF_8)));
        }
        producer.flush();
        for (CompletableFuture<RecordReceipt> future : futures) {
            assertThat(future.get(30, TimeUnit.SECONDS).recordId()).isNotBlank();
        }
        producer.close();
        server.flushDeliveries();
        List<CapturedRecord> stored = server.records(STREAM);
        assertThat(stored.size()).as("packs of about 10 KB, not 2000 records").isLessThan(20);
        assertThat(stored).allSatisfy(r -> assertThat(r.size()).isLessThanOrEqualTo(10_000 + 41 + 512 + 100));
        KmsDataKeyDecrypter kms = resources.add(KmsDataKeyDecrypter.builder()
                .region(Region.of(server.region()))
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .build());
        EnvelopeDecryptor decryptor = resources.add(EnvelopeDecryptor.builder()
                .expectedStreamArn(server.streamArn(STREAM))
                .dataKeys(kms)
                .coalescedWith(io.securefirehose.records.Coalescing.Framing.NEWLINE)
                .build());
        List<String> received = new ArrayList<>();
        for (Path object : server.deliveredObjects(STREAM)) {
            try (InputStream in = Files.newInputStream(object)) {
                decryptor.forEach(in, record -> received.add(new String(record, UTF_8)));
            }
        }
        assertThat(received).containsExactlyInAnyOrderElementsOf(sent);
    }

    @Test
    void aPlaintextThatWouldNotFitOnceEncryptedIsRefusedAtSend() {
        LocalFirehose server = server(b -> b);
        SecureFirehoseProducer producer = producer(server, b -> b);
        int largest = producer.config().encryption().maxPlaintextBytes();
        assertThatThrownBy(() -> producer.send(new byte[largest + 1]))
                .isInstanceOf(io.securefirehose.errors.RecordTooLargeException.class)
                .hasMessageContaining(
                        "record of " + (largest + 1) + " bytes is larger than the " + largest + " bytes of plaintext");
        assertThat(server.records(STREAM)).isEmpty();
    }

    @Test
    void withAnAssumedRoleTheSessionPolicyAllowsDataKeysForThisStreamOnlyAndKmsIsCalledWithTheSession()
            throws Exception {
        LocalFirehose server = server(b -> b.role(ROLE).requireSessionCredentials(true));
        SecureFirehoseProducer producer = producer(
                server,
                b -> b.assumeRole(AssumeRole.role(ROLE)
                                .stsEndpoint(server.endpoint())
                                .build())
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey(server.kmsKeyArn(KEY_ID))
                                .kmsEndpoint(server.endpoint())
                                .build()));
        producer.send("under the role".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);

        String expectedPolicy = LeastPrivilegePolicies.builder()
                .streamArn(server.streamArn(STREAM))
                .kmsKeyArn(server.kmsKeyArn(KEY_ID))
                .build()
                .sessionPolicyMinified();
        assertThat(server.assumeRoleRequests().get(0).policy()).isEqualTo(expectedPolicy);
        String session = server.assumeRoleRequests().get(0).issuedAccessKeyId();
        List<CapturedKmsCall> generated = server.kmsRequests().stream()
                .filter(c -> c.outcome().equals("OK"))
                .toList();
        assertThat(generated).hasSize(1);
        assertThat(generated.get(0).callerAccessKeyId()).isEqualTo(session);

        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region(server.region())
                        .assumeRole(AssumeRole.role(ROLE).build())
                        .envelopeEncryption(
                                EnvelopeEncryption.withKmsKey("alias/orders").build())
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("with assumeRole the KMS key must be a key ARN");
    }

    @Test
    void duringAKmsOutageRecordsWaitAndAreDeliveredEncryptedWhenKmsAnswersAgain() throws Exception {
        LocalFirehose server = server(b -> b);
        server.kmsAvailable(false);
        SecureFirehoseProducer producer = producer(server, b -> b);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        producer.metrics().bindTo(registry);
        List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(producer.send(("waiting-" + i).getBytes(UTF_8)));
        }
        await().atMost(Duration.ofSeconds(20))
                .until(() -> server.kmsRequests().stream()
                                .filter(c -> c.outcome().equals("KMSInternalException"))
                                .count()
                        >= 2);
        assertThat(futures).noneMatch(CompletableFuture::isDone);
        assertThat(server.records(STREAM)).isEmpty();

        server.kmsAvailable(true);
        for (CompletableFuture<RecordReceipt> future : futures) {
            future.get(30, TimeUnit.SECONDS);
        }
        EnvelopeDecryptor decryptor = decryptor(server);
        List<String> plaintexts = new ArrayList<>();
        for (CapturedRecord record : server.records(STREAM)) {
            decryptor.forEach(
                    new java.io.ByteArrayInputStream(record.data()), p -> plaintexts.add(new String(p, UTF_8)));
        }
        assertThat(plaintexts).containsExactlyInAnyOrder("waiting-0", "waiting-1", "waiting-2");
        // The meters saw the outage: failed KMS calls, then one data key, three records sealed, none still waiting.
        assertThat(registry.get("firehose.producer.kms.failures")
                        .functionCounter()
                        .count())
                .isGreaterThanOrEqualTo(2);
        assertThat(registry.get("firehose.producer.encryption.data.keys")
                        .functionCounter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("firehose.producer.encryption.time")
                        .functionTimer()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("firehose.producer.encryption.waiting.records")
                        .gauge()
                        .value())
                .isZero();
    }

    @Test
    void aKmsEndpointWithWeakTlsIsRefusedAndNoRecordIsSent() throws IOException {
        LocalFirehose firehose = server(b -> b);
        LocalFirehose weakKms = server(b -> b.tlsProtocols("TLSv1.2")
                .certificateKeyAlgorithm("RSA")
                .tlsCipherSuites("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"));
        SecureFirehoseProducer producer = producer(
                firehose,
                b -> b.trustMaterial(TrustMaterial.fromPem(firehose.trustPem() + weakKms.trustPem()))
                        .envelopeEncryption(encryption(firehose, weakKms.endpoint())));
        CompletableFuture<RecordReceipt> future = producer.send("never in plaintext".getBytes(UTF_8));
        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(EncryptionFailedException.class, e -> {
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.getCause()).isInstanceOf(TlsPolicyViolationException.class);
                });
        assertThat(weakKms.applicationBytesReceived()).isZero();
        assertThat(firehose.records(STREAM)).isEmpty();
    }

    @Test
    void aKmsVpcEndpointThatResolvesToAPublicAddressIsRefusedAtBuild() {
        LocalFirehose firehose = server(b -> b);
        String kmsVpce = "vpce-0123456789abcdef0-abcdefgh.kms.us-east-1.vpce.amazonaws.com";
        assertThatThrownBy(() -> producer(
                        firehose,
                        b -> b.hostResolver(host -> List.of(
                                        java.net.InetAddress.getByAddress(host, new byte[] {54, (byte) 239, 20, 1})))
                                .envelopeEncryption(EnvelopeEncryption.withKmsKey(firehose.kmsKeyArn(KEY_ID))
                                        .streamArn(firehose.streamArn(STREAM))
                                        .kmsVpcEndpoint(kmsVpce)
                                        .build())))
                .isInstanceOf(io.securefirehose.errors.EndpointPolicyViolationException.class)
                .hasMessageContaining(kmsVpce)
                .hasMessageContaining("54.239.20.1");
        assertThat(firehose.connectionsAccepted()).isZero();
    }

    @Test
    void encryptionSettingsAreCheckedWhenBuilt() {
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region("eu-west-1")
                        .envelopeEncryption(
                                EnvelopeEncryption.withKmsKey("alias/orders").build())
                        .buildConfig())
                .hasMessageContaining("set EnvelopeEncryption.Builder.streamArn(\"arn:aws:firehose:eu-west-1:<account>"
                        + ":deliverystream/orders\")");
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region("eu-west-1")
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/orders")
                                .streamArn("arn:aws:firehose:eu-west-1:111122223333:deliverystream/other")
                                .build())
                        .buildConfig())
                .hasMessageContaining("does not name delivery stream 'orders' in region eu-west-1");
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream(STREAM)
                        .region("eu-west-1")
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/orders")
                                .streamArn("arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders")
                                .kmsVpcEndpoint("vpce-0123456789abcdef0-abcdefgh.kms.us-east-1.vpce.amazonaws.com")
                                .build())
                        .buildConfig())
                .hasMessageContaining("the KMS VPC endpoint is in region us-east-1");
        assertThatThrownBy(() -> EnvelopeEncryption.withKmsKey("not a key"))
                .hasMessageContaining("kmsKey must be a key ARN, key id, alias/<name> or alias ARN, was 'not a key'");
        assertThatThrownBy(() -> EnvelopeEncryption.withKmsKey("alias/a").kmsEndpoint(URI.create("http://kms")))
                .hasMessageContaining("kmsEndpoint must be https://");
        assertThatThrownBy(() -> EnvelopeEncryption.withKmsKey("alias/a").maxRecordsPerDataKey(0))
                .hasMessageContaining("maxRecordsPerDataKey must be between 1 and 4294967296");
        assertThatThrownBy(() -> EnvelopeEncryption.withKmsKey("alias/a").maxBytesPerDataKey(1000))
                .hasMessageContaining("maxBytesPerDataKey must be between 1024000");
        assertThatThrownBy(() -> EnvelopeEncryption.withKmsKey("alias/a").maxDataKeyAge(Duration.ofDays(2)))
                .hasMessageContaining("maxDataKeyAge must be between 1 second and 24 hours");
        assertThatThrownBy(() -> EnvelopeEncryption.withKmsKey("alias/a")
                        .encryptionContext(LeastPrivilegePolicies.STREAM_CONTEXT_KEY, "x"))
                .hasMessageContaining("is reserved");
        assertThatThrownBy(() -> EnvelopeEncryption.withKmsKey("alias/a").encryptionContext("aws:x", "y"))
                .hasMessageContaining("KMS reserves");
        EnvelopeEncryption extra = EnvelopeEncryption.withKmsKey("alias/a")
                .streamArn("arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders")
                .encryptionContext("app", "billing")
                .build();
        assertThat(extra.encryptionContext())
                .containsEntry("app", "billing")
                .containsEntry(
                        LeastPrivilegePolicies.STREAM_CONTEXT_KEY,
                        "arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders");
    }
}
