package io.securefirehose.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.crypto.EnvelopeDecryptor;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.errors.RecordTooLargeException;
import io.securefirehose.internal.crypto.RecordEncryptor;
import io.securefirehose.internal.identity.SendGate;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Envelope encryption in the producer engine: data-key reuse, rotation, KMS outages, limits; on a moved clock. */
class ProducerCoreEncryptionTest extends CoreTestSupport {

    private static final String STREAM_ARN = "arn:aws:firehose:eu-west-1:111122223333:deliverystream/unit";

    private final FakeDataKeySource keys = new FakeDataKeySource();
    private RecordEncryptor encryptor;

    private ProducerCore encryptedCore(UnaryOperator<EnvelopeEncryption.Builder> encryption) {
        ProducerBuilder builder = SecureFirehoseProducer.builder()
                .deliveryStream("unit")
                .region("eu-west-1")
                .credentialsProvider(software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider.create())
                .linger(Duration.ofMillis(50))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .deliveryTimeout(Duration.ofSeconds(60))
                .requestTimeout(Duration.ofSeconds(10))
                .envelopeEncryption(encryption
                        .apply(EnvelopeEncryption.withKmsKey("alias/unit").streamArn(STREAM_ARN))
                        .build());
        io.securefirehose.ProducerConfig config = builder.buildConfig();
        encryptor = encryptedCore(config, keys, SendGate.OPEN);
        settle();
        return core;
    }

    private List<byte[]> decryptAllSent() {
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        for (FakeTransport.Call call : transport.calls()) {
            call.records().forEach(object::writeBytes);
        }
        try (EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                .expectedStreamArn(STREAM_ARN)
                .dataKeys(keys)
                .build()) {
            return decryptor.decryptAll(object.toByteArray());
        }
    }

    @Test
    void theCallersArrayMayChangeOnceSendReturnsWhenTheKeyWasReady() {
        encryptedCore(e -> e);
        settle(); // the first key is there: the record is sealed before send returns, without a copy
        byte[] reused = bytes(20, 1);
        CompletableFuture<RecordReceipt> future = core.send(reused, true);
        java.util.Arrays.fill(reused, (byte) 'X');
        assertDeliveredAsSent(future, bytes(20, 1));
    }

    /** Lets the one record go out in one call, acknowledges it, and checks that it decrypts to {@code sent}. */
    private void assertDeliveredAsSent(CompletableFuture<RecordReceipt> future, byte[] sent) {
        lingerOut();
        transport.acceptAll(0);
        settle();
        assertThat(future).isCompleted();
        assertThat(decryptAllSent()).containsExactly(sent);
    }

    @Test
    void theCallersArrayMayChangeOnceSendReturnsWhileTheRecordWaitsForAKey() {
        keys.holdCalls(true);
        encryptedCore(e -> e);
        byte[] reused = bytes(20, 1);
        CompletableFuture<RecordReceipt> future = core.send(reused, true);
        assertThat(encryptor.waitingRecords()).as("parked, so copied").isEqualTo(1);
        java.util.Arrays.fill(reused, (byte) 'X');
        keys.answerHeld();
        settle();
        assertDeliveredAsSent(future, bytes(20, 1));
    }

    @Test
    void manyRecordsShareOneDataKeyAndNoPlaintextIsSent() {
        encryptedCore(e -> e);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(100, 20);
        lingerOut();
        assertThat(keys.calls()).isEqualTo(1);
        assertThat(transport.callCount()).isEqualTo(1);
        transport.acceptAll(0);
        settle();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        List<byte[]> plaintexts = decryptAllSent();
        assertThat(plaintexts).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(plaintexts.get(i)).isEqualTo(bytes(20, i));
        }
        assertThat(encryptor.sealedRecords()).isEqualTo(100);
        assertThat(encryptor.overheadBytes())
                .isEqualTo(100L * (transport.call(0).records().get(0).length - 20));
    }

    @Test
    void everyRecordGetsItsOwnNonce() {
        encryptedCore(e -> e);
        sendMany(500, 1);
        settle();
        assertThat(transport.callCount()).isEqualTo(1);
        java.util.Set<String> nonces = new java.util.HashSet<>();
        for (byte[] frame : transport.call(0).records()) {
            int prefix = frame.length - 1 - 16 - 4 - 12;
            nonces.add(java.util.HexFormat.of().formatHex(frame, prefix, prefix + 12));
        }
        assertThat(nonces).hasSize(500).doesNotContain("000000000000000000000000");
    }

    @Test
    void aDataKeyRotatesByRecordCountAndTheRetiredKeyIsWiped() {
        encryptedCore(e -> e.maxRecordsPerDataKey(10));
        sendMany(25, 5);
        lingerOut();
        assertThat(keys.calls()).isEqualTo(3);
        assertThat(encryptor.waitingRecords()).isZero();
        assertThat(decryptAllSent()).hasSize(25);
        List<String> blobs = new ArrayList<>();
        for (byte[] frame : transport.call(0).records()) {
            blobs.add(new String(frame, 7, 6, java.nio.charset.StandardCharsets.US_ASCII));
        }
        assertThat(blobs.subList(0, 10)).containsOnly("blob-0");
        assertThat(blobs.subList(10, 20)).containsOnly("blob-1");
        assertThat(blobs.subList(20, 25)).containsOnly("blob-2");
        assertThat(keys.handedOut().get(0)).containsOnly(0);
        assertThat(keys.handedOut().get(1)).containsOnly(0);
        assertThat(keys.handedOut().get(2)).isNotEqualTo(new byte[32]);
    }

    @Test
    void theSuccessorIsFetchedBeforeTheCurrentKeyRunsOutSoNoRecordWaits() {
        encryptedCore(e -> e.maxRecordsPerDataKey(8));
        keys.holdCalls(true);
        sendMany(5, 1);
        settle();
        assertThat(keys.calls()).isEqualTo(1);
        core.send(bytes(1, 5));
        settle();
        assertThat(keys.calls()).as("asked at three quarters").isEqualTo(2);
        keys.answerHeld();
        settle();
        sendMany(4, 1);
        assertThat(encryptor.waitingRecords()).isZero();
        assertThat(encryptor.sealedRecords()).isEqualTo(10);
    }

    @Test
    void aDataKeyRetiresByAgeEvenWhenIdle() {
        encryptedCore(e -> e.maxDataKeyAge(Duration.ofMinutes(4)));
        core.send(bytes(3, 1));
        settle();
        scheduler.advance(Duration.ofMinutes(3));
        settle();
        assertThat(keys.calls())
                .as("successor asked at three quarters of the age")
                .isEqualTo(2);
        assertThat(keys.handedOut().get(0)).isNotEqualTo(new byte[32]);
        scheduler.advance(Duration.ofMinutes(1));
        settle();
        assertThat(keys.handedOut().get(0)).as("wiped at its age").containsOnly(0);
        assertThat(encryptor.currentKey().keyArn()).isEqualTo("arn:aws:kms:eu-west-1:111122223333:key/test");
        core.send(bytes(3, 2));
        lingerOut();
        List<byte[]> frames = new ArrayList<>();
        transport.calls().forEach(c -> frames.addAll(c.records()));
        assertThat(new String(frames.get(frames.size() - 1), 7, 6, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("blob-1");
    }

    @Test
    void duringAKmsOutageRecordsWaitThenFailTypedAndNothingIsSent() {
        keys.holdCalls(true);
        encryptedCore(e -> e);
        keys.failNext(FakeTransport.serviceError(500, "KMSInternalException"));
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        settle();
        assertThat(future).isNotDone();
        assertThat(encryptor.waitingRecords()).isEqualTo(1);
        assertThat(core.bufferedRecords()).isEqualTo(1);

        scheduler.advance(Duration.ofSeconds(60));
        settle();
        Throwable failure = failureOf(future);
        assertThat(failure)
                .isInstanceOf(EncryptionFailedException.class)
                .hasMessageContaining("no data key from KMS key alias/unit within deliveryTimeout PT1M");
        assertThat(((EncryptionFailedException) failure).isRetriable()).isTrue();
        assertThat(transport.callCount()).isZero();
        assertThat(core.bufferedBytes()).isZero();
        assertThat(core.bufferedRecords()).isZero();
    }

    @Test
    void recordsThatWaitedForAKeyAreSentInOrderOnceKmsAnswers() {
        keys.failNext(
                FakeTransport.serviceError(500, "KMSInternalException"),
                FakeTransport.serviceError(400, "ThrottlingException"));
        encryptedCore(e -> e);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(5, 4);
        settle();
        assertThat(encryptor.waitingRecords()).isEqualTo(5);
        scheduler.advance(maxBackoff(1));
        settle();
        scheduler.advance(maxBackoff(2));
        settle();
        assertThat(keys.calls()).isEqualTo(3);
        assertThat(encryptor.kmsFailures()).isEqualTo(2);
        assertThat(encryptor.waitingRecords()).isZero();
        lingerOut();
        transport.acceptAll(0);
        settle();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        List<byte[]> plaintexts = decryptAllSent();
        for (int i = 0; i < 5; i++) {
            assertThat(plaintexts.get(i)).isEqualTo(bytes(4, i));
        }
    }

    @Test
    void flushWaitsForRecordsThatWaitForADataKey() throws Exception {
        keys.holdCalls(true);
        encryptedCore(e -> e);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(3, 2);
        settle();
        java.util.concurrent.atomic.AtomicBoolean allDoneWhenFlushReturned =
                new java.util.concurrent.atomic.AtomicBoolean();
        Thread flusher = new Thread(() -> {
            core.flush();
            allDoneWhenFlushReturned.set(futures.stream().allMatch(CompletableFuture::isDone));
        });
        flusher.start();
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(20))
                .until(() -> flusher.getState() == Thread.State.WAITING);
        keys.answerHeld();
        settle();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> transport.callCount() == 1);
        transport.acceptAll(0);
        settle();
        flusher.join(20_000);
        assertThat(flusher.isAlive()).isFalse();
        assertThat(allDoneWhenFlushReturned).isTrue();
    }

    @Test
    void aRefusalThatWillRepeatFailsWaitingRecordsAtOnce() {
        keys.failNext(FakeTransport.serviceError(400, "AccessDeniedException"));
        keys.holdCalls(true);
        encryptedCore(e -> e);
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        settle();
        // The refusal came before the record: it waits for the retry, which is refused again.
        keys.failNext(FakeTransport.serviceError(400, "AccessDeniedException"));
        scheduler.advance(maxBackoff(1));
        settle();
        Throwable failure = failureOf(future);
        assertThat(failure)
                .isInstanceOf(EncryptionFailedException.class)
                .hasMessageContaining("GenerateDataKey failed with AccessDeniedException")
                .hasMessageContaining("records are not sent unencrypted");
        assertThat(((EncryptionFailedException) failure).isRetriable()).isFalse();
        assertThat(transport.callCount()).isZero();
    }

    @Test
    void aPlaintextThatWouldNotFitOnceEncryptedIsRefusedWithTheExactMaximum() {
        encryptedCore(e -> e);
        int max = encryptor.maxPlaintextBytes();
        assertThat(max).isEqualTo(1_024_000 - 41 - 512 - (2 + 4 + 31 + STREAM_ARN.length()));
        assertThatThrownBy(() -> core.send(new byte[max + 1]))
                .isInstanceOfSatisfying(RecordTooLargeException.class, e -> {
                    assertThat(e.recordBytes()).isEqualTo(max + 1);
                    assertThat(e.maxRecordBytes()).isEqualTo(max);
                })
                .hasMessageContaining("larger than the " + max + " bytes of plaintext");
        CompletableFuture<RecordReceipt> largest = core.send(new byte[max]);
        lingerOut();
        assertThat(transport.call(0).records().get(0).length).isLessThanOrEqualTo(1_024_000);
        transport.acceptAll(0);
        settle();
        assertThat(largest).isCompleted();
    }

    @Test
    void theEncryptionMetersCountKmsCallsKeysSealingAndOverhead() {
        keys.failNext(FakeTransport.serviceError(500, "KMSInternalException"));
        encryptedCore(e -> e);
        io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        core.metrics().bindTo(registry);
        sendMany(3, 10);
        settle();
        assertThat(registry.get("firehose.producer.encryption.waiting.records")
                        .gauge()
                        .value())
                .isEqualTo(3.0);
        scheduler.advance(maxBackoff(1));
        lingerOut();
        assertThat(registry.get("firehose.producer.kms.calls").functionCounter().count())
                .isEqualTo(2.0);
        assertThat(registry.get("firehose.producer.kms.failures")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get("firehose.producer.encryption.data.keys")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
        assertThat(registry.get("firehose.producer.encryption.time")
                        .functionTimer()
                        .count())
                .isEqualTo(3.0);
        int frame = transport.call(0).records().get(0).length;
        assertThat(registry.get("firehose.producer.encryption.overhead.bytes")
                        .functionCounter()
                        .count())
                .isEqualTo(3.0 * (frame - 10));
        assertThat(registry.get("firehose.producer.encryption.waiting.records")
                        .gauge()
                        .value())
                .isZero();
        assertThat(registry.get("firehose.producer.kms.calls")
                        .functionCounter()
                        .getId()
                        .getTag("stream"))
                .isEqualTo("unit");
    }

    @Test
    void closeFailsRecordsStillWaitingForAKeyAndClosesKms() {
        keys.holdCalls(true);
        encryptedCore(e -> e);
        CompletableFuture<RecordReceipt> waiting = core.send(bytes(10, 1));
        settle();
        core.close(Duration.ZERO);
        assertThat(failureOf(waiting)).isInstanceOf(ProducerClosedException.class);
        assertThat(keys.isClosed()).isTrue();
        assertThat(core.bufferedBytes()).isZero();
        assertThatThrownBy(() -> core.send(bytes(1, 1))).isInstanceOf(IllegalStateException.class);
    }
}
