package io.securefirehose.internal.producer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.ProducerConfig;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.Spill;
import io.securefirehose.crypto.EnvelopeDecryptor;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.spill.SpillSegmentReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spill with envelope encryption during a KMS outage: a record that waits for a data key is plaintext in memory and
 * must never reach the spill directory; it fails with its cause instead. A record sealed before the outage is
 * spilled as its ciphertext frame. Every file the directory holds is searched for the plaintext.
 */
class ProducerCoreEncryptedSpillTest extends CoreTestSupport {

    private static final String STREAM_ARN = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/unit";

    @TempDir
    Path directory;

    private final FakeDataKeySource keys = new FakeDataKeySource();

    private void encryptingAndSpilling() {
        ProducerConfig config = SecureFirehoseProducer.builder()
                .deliveryStream("unit")
                .region("eu-west-1")
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .linger(Duration.ofMillis(50))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .deliveryTimeout(Duration.ofSeconds(20))
                .requestTimeout(Duration.ofSeconds(10))
                .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/unit")
                        .streamArn(STREAM_ARN)
                        .build())
                .spill(Spill.toDirectory(directory).replayInterval(Duration.ofSeconds(600)))
                .buildConfig();
        encryptedCore(config, keys, SendGate.OPEN);
        settle();
    }

    private static byte[] plaintext(int n) {
        return ("PLAINTEXT-MARKER-" + n).getBytes(UTF_8);
    }

    /** Every file in the spill directory, whatever its name. */
    private List<byte[]> filesInTheDirectory() throws IOException {
        List<byte[]> files = new ArrayList<>();
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path file : all.filter(Files::isRegularFile).toList()) {
                files.add(Files.readAllBytes(file));
            }
        }
        return files;
    }

    private void assertNoFileHoldsAnyPlaintext() throws IOException {
        for (byte[] file : filesInTheDirectory()) {
            assertThat(new String(file, UTF_8)).doesNotContain("PLAINTEXT-MARKER");
        }
    }

    @Test
    void recordsWaitingForADataKeyDuringAKmsOutageFailWithTheirCauseAndAreNeverSpilled() throws Exception {
        keys.holdCalls(true);
        encryptingAndSpilling();
        List<CompletableFuture<RecordReceipt>> waiting =
                List.of(core.send(plaintext(1)), core.send(plaintext(2)), core.send(plaintext(3)));
        settle();
        assertThat(waiting).noneMatch(CompletableFuture::isDone);

        scheduler.advance(Duration.ofSeconds(20));
        settle();

        assertThat(waiting)
                .allSatisfy(future -> assertThat(failureOf(future))
                        .isInstanceOf(EncryptionFailedException.class)
                        .hasMessageContaining("no data key"));
        assertThat(transport.callCount()).isZero();
        assertNoFileHoldsAnyPlaintext();
        assertThat(segmentRecords()).isEmpty();
    }

    @Test
    void closeDuringAKmsOutageFailsWaitingRecordsAndSpillsNoneOfThem() throws Exception {
        keys.holdCalls(true);
        encryptingAndSpilling();
        CompletableFuture<RecordReceipt> waiting = core.send(plaintext(1));
        settle();

        core.close(Duration.ZERO);

        assertThat(failureOf(waiting)).isInstanceOf(ProducerClosedException.class);
        assertNoFileHoldsAnyPlaintext();
        assertThat(segmentRecords()).isEmpty();
    }

    @Test
    void aSealedRecordThatOutlastsDeliveryTimeoutIsSpilledAsItsCiphertextFrame() throws Exception {
        encryptingAndSpilling();
        CompletableFuture<RecordReceipt> future = core.send(plaintext(1));
        lingerOut();
        assertThat(transport.callCount()).isEqualTo(1); // Firehose never answers this call

        scheduler.advance(Duration.ofSeconds(20));
        settle();

        assertThat(future.join().spilled()).isTrue();
        assertNoFileHoldsAnyPlaintext();
        List<byte[]> spilled = segmentRecords();
        assertThat(spilled).hasSize(1);
        try (EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                .expectedStreamArn(STREAM_ARN)
                .dataKeys(keys)
                .build()) {
            assertThat(decryptor.decryptAll(spilled.get(0))).containsExactly(plaintext(1));
        }
    }

    private List<byte[]> segmentRecords() throws Exception {
        List<byte[]> records = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path segment : files.filter(p -> p.getFileName().toString().endsWith(".spill"))
                    .toList()) {
                records.addAll(
                        SpillSegmentReader.read(Files.readAllBytes(segment)).records());
            }
        }
        return records;
    }
}
