package io.securefirehose.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.securefirehose.errors.DecryptionFailedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class EnvelopeDecryptorTest {

    private static final String STREAM = "arn:aws:firehose:us-east-1:111122223333:deliverystream/orders";
    private static final Map<String, String> CONTEXT = Map.of("firehose-secure:delivery-stream", STREAM);
    private static final byte[] KEY_A = filled(32, 0x11);
    private static final byte[] KEY_B = filled(32, 0x22);
    private static final byte[] BLOB_A = filled(184, 0xA1);
    private static final byte[] BLOB_B = filled(184, 0xB2);

    private final SplittableRandom random = new SplittableRandom(42);

    private static byte[] filled(int size, int value) {
        byte[] bytes = new byte[size];
        java.util.Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    private static TestDataKeys keys() {
        return new TestDataKeys().add(BLOB_A, KEY_A, CONTEXT).add(BLOB_B, KEY_B, CONTEXT);
    }

    private static EnvelopeDecryptor decryptor(DataKeyDecrypter keys) {
        return EnvelopeDecryptor.builder()
                .expectedStreamArn(STREAM)
                .dataKeys(keys)
                .build();
    }

    private byte[] seal(byte[] key, byte[] blob, byte[] plaintext) {
        byte[] nonce = new byte[12];
        random.nextBytes(nonce);
        return EnvelopeFormat.seal(key, blob, CONTEXT, nonce, plaintext);
    }

    private static byte[] concat(List<byte[]> frames) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        frames.forEach(out::writeBytes);
        return out.toByteArray();
    }

    private static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(data);
        }
        return out.toByteArray();
    }

    @Property(tries = 60)
    void concatenatedRecordsComeBackInOrder(
            @ForAll @Size(max = 8) List<@Size(max = 3000) byte[]> plaintexts, @ForAll boolean gzipped)
            throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < plaintexts.size(); i++) {
            frames.add(seal(i % 2 == 0 ? KEY_A : KEY_B, i % 2 == 0 ? BLOB_A : BLOB_B, plaintexts.get(i)));
        }
        byte[] object = concat(frames);
        TestDataKeys keys = keys();
        try (EnvelopeDecryptor decryptor = decryptor(keys)) {
            assertThat(decryptor.decryptAll(gzipped ? gzip(object) : object)).containsExactlyElementsOf(plaintexts);
            assertThat(keys.calls.get()).isEqualTo(Math.min(plaintexts.size(), 2));
        }
    }

    @Property(tries = 300)
    void arbitraryBytesNeverDecryptAndAlwaysFailTyped(
            @ForAll @Size(max = 2000) byte[] garbage, @ForAll boolean framed) {
        byte[] input = garbage;
        if (framed && garbage.length > 8) {
            // A real header in front makes the reader go deeper before the bytes stop making sense.
            byte[] frame = seal(KEY_A, BLOB_A, new byte[] {1, 2, 3});
            input = java.util.Arrays.copyOf(frame, frame.length + garbage.length);
            System.arraycopy(garbage, 0, input, frame.length, garbage.length);
            input[frame.length] = 'F';
        }
        byte[] object = input;
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            List<byte[]> out = new ArrayList<>();
            Throwable failure = org.assertj.core.api.Assertions.catchThrowable(
                    () -> decryptor.forEach(new ByteArrayInputStream(object), out::add));
            if (object.length == 0) {
                assertThat(failure).isNull();
            } else if (framed && garbage.length > 8) {
                assertThat(out).hasSize(1);
                assertThat(failure).isInstanceOf(DecryptionFailedException.class);
            } else {
                assertThat(failure).isInstanceOf(DecryptionFailedException.class);
                assertThat(out).isEmpty();
            }
        }
    }

    @Property(tries = 20)
    void largeRandomPlaintextsRoundTrip(@ForAll @IntRange(min = 0, max = 1_023_000) int size) {
        byte[] plaintext = new byte[Math.min(size, EnvelopeFormat.maxPlaintextBytes(CONTEXT))];
        random.nextBytes(plaintext);
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            assertThat(decryptor.decryptAll(seal(KEY_A, BLOB_A, plaintext))).containsExactly(plaintext);
        }
    }

    @Test
    void theLargestAllowedPlaintextFitsIntoOneFirehoseRecord() {
        byte[] plaintext = new byte[EnvelopeFormat.maxPlaintextBytes(CONTEXT)];
        random.nextBytes(plaintext);
        byte[] frame = seal(KEY_A, filled(EnvelopeFormat.MAX_ENCRYPTED_DATA_KEY_BYTES, 7), plaintext);
        assertThat(frame).hasSize(io.securefirehose.records.FirehoseLimits.MAX_RECORD_BYTES);
        TestDataKeys keys =
                new TestDataKeys().add(filled(EnvelopeFormat.MAX_ENCRYPTED_DATA_KEY_BYTES, 7), KEY_A, CONTEXT);
        try (EnvelopeDecryptor decryptor = decryptor(keys)) {
            assertThat(decryptor.decryptAll(frame)).containsExactly(plaintext);
        }
    }

    @Test
    void flippingAnySingleByteOfARecordIsDetected() {
        byte[] first = seal(KEY_A, BLOB_A, "first record".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] second = seal(KEY_A, BLOB_A, "second record".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        byte[] object = concat(List.of(first, second));
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            for (int position = first.length; position < object.length; position++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] tampered = object.clone();
                    tampered[position] ^= (byte) bit;
                    List<byte[]> handedOut = new ArrayList<>();
                    DecryptionFailedException failure = catchThrowableOfType(
                            DecryptionFailedException.class,
                            () -> decryptor.forEach(new ByteArrayInputStream(tampered), handedOut::add));
                    assertThat(failure)
                            .as("flip 0x%02x at byte %d", bit, position)
                            .isNotNull();
                    assertThat(failure.offset()).isEqualTo(first.length);
                    assertThat(failure.getMessage()).startsWith("record at byte offset " + first.length + ": ");
                    // Only the record before the damage, which authenticated, was handed out.
                    assertThat(handedOut).hasSize(1);
                }
            }
        }
    }

    /** A well-formed frame of another stream, under a key this decryptor can get. */
    private static byte[] foreignFrame() {
        return EnvelopeFormat.seal(
                KEY_A,
                BLOB_A,
                Map.of("firehose-secure:delivery-stream", "arn:aws:firehose:us-east-1:111122223333:deliverystream/x"),
                new byte[12],
                utf8("theirs"));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Decrypts in skipping mode: the records, and each report as "offset: reason". */
    private static List<String> skipping(EnvelopeDecryptor decryptor, byte[] object, List<byte[]> records) {
        List<String> reports = new ArrayList<>();
        decryptor.forEach(
                new ByteArrayInputStream(object), records::add, bad -> reports.add(bad.offset() + ": " + bad.reason()));
        return reports;
    }

    @Test
    void skippingBadFramesReportsEachWithItsOffsetAndDecryptsEveryValidFrame() {
        byte[] one = seal(KEY_A, BLOB_A, utf8("one"));
        byte[] foreign = foreignFrame();
        byte[] two = seal(KEY_B, BLOB_B, utf8("two"));
        byte[] tampered = seal(KEY_A, BLOB_A, utf8("changed"));
        tampered[tampered.length - 20] ^= 0x01;
        byte[] three = seal(KEY_A, BLOB_A, utf8("three"));
        byte[] garbage = new byte[57];
        random.nextBytes(garbage);
        byte[] four = seal(KEY_B, BLOB_B, utf8("four"));
        byte[] cut = java.util.Arrays.copyOf(seal(KEY_A, BLOB_A, utf8("cut short")), 40);
        byte[] object = concat(List.of(one, foreign, two, tampered, three, garbage, four, cut));
        long foreignAt = one.length;
        long tamperedAt = foreignAt + foreign.length + two.length;
        long garbageAt = tamperedAt + tampered.length + three.length;
        long cutAt = garbageAt + garbage.length + four.length;

        List<byte[]> records = new ArrayList<>();
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            List<String> reports = skipping(decryptor, object, records);
            assertThat(records).containsExactly(utf8("one"), utf8("two"), utf8("three"), utf8("four"));
            assertThat(reports).hasSize(4);
            assertThat(reports.get(0)).startsWith(foreignAt + ": the record belongs to delivery stream ");
            assertThat(reports.get(1)).startsWith(tamperedAt + ": authentication failed");
            assertThat(reports.get(2)).startsWith(garbageAt + ": not an envelope frame");
            assertThat(reports.get(3)).startsWith(cutAt + ": truncated");
            // Without the mode the same object stops at the first bad frame.
            List<byte[]> stopped = new ArrayList<>();
            assertThatThrownBy(() -> decryptor.forEach(new ByteArrayInputStream(object), stopped::add))
                    .isInstanceOfSatisfying(
                            DecryptionFailedException.class,
                            e -> assertThat(e.offset()).isEqualTo(foreignAt));
            assertThat(stopped).containsExactly(utf8("one"));
        }
    }

    @Test
    void adjacentBadFramesAreReportedOneByOne() {
        byte[] one = seal(KEY_A, BLOB_A, utf8("one"));
        byte[] tampered = seal(KEY_A, BLOB_A, utf8("tampered"));
        tampered[tampered.length - 1] ^= 0x40;
        byte[] foreign = foreignFrame();
        byte[] two = seal(KEY_B, BLOB_B, utf8("two"));
        List<byte[]> records = new ArrayList<>();
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            List<String> reports = skipping(decryptor, concat(List.of(one, tampered, foreign, two)), records);
            assertThat(records).containsExactly(utf8("one"), utf8("two"));
            assertThat(reports)
                    .satisfiesExactly(
                            r -> assertThat(r).startsWith(one.length + ": authentication failed"),
                            r -> assertThat(r)
                                    .startsWith((one.length + tampered.length) + ": the record belongs to delivery"));
        }
    }

    @Test
    void skippingBadFramesSurvivesAnySingleByteFlipInTheMiddleFrame() throws IOException {
        byte[] first = seal(KEY_A, BLOB_A, utf8("first"));
        byte[] middle = seal(KEY_B, BLOB_B, utf8("middle record"));
        byte[] last = seal(KEY_A, BLOB_A, utf8("last"));
        byte[] object = concat(List.of(first, middle, last));
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            for (int position = first.length; position < first.length + middle.length; position++) {
                for (int bit : new int[] {0x01, 0x80}) {
                    byte[] tampered = object.clone();
                    tampered[position] ^= (byte) bit;
                    for (byte[] input : List.of(tampered, gzip(tampered))) {
                        List<byte[]> records = new ArrayList<>();
                        List<String> reports = skipping(decryptor, input, records);
                        assertThat(records)
                                .as("flip 0x%02x at byte %d", bit, position)
                                .containsExactly(utf8("first"), utf8("last"));
                        assertThat(reports)
                                .as("flip 0x%02x at byte %d", bit, position)
                                .singleElement()
                                .satisfies(r -> assertThat(r).startsWith(first.length + ": "));
                    }
                }
            }
        }
    }

    @Test
    void aStreamNameFromAFrameIsEscapedBeforeItReachesAMessage() {
        byte[] frame = EnvelopeFormat.seal(
                KEY_A,
                BLOB_A,
                Map.of("firehose-secure:delivery-stream", "evil\u001b[2J\r\nFAKE LOG LINE \u202e"),
                new byte[12],
                utf8("x"));
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            assertThatThrownBy(() -> decryptor.decryptAll(frame))
                    .isInstanceOfSatisfying(
                            DecryptionFailedException.class,
                            e -> assertThat(e.getMessage())
                                    .contains("delivery stream evil\\u001b[2J\\u000d\\u000aFAKE LOG LINE \\u202e,")
                                    .doesNotContain("\u001b")
                                    .doesNotContain("\n")
                                    .doesNotContain("\u202e"));
        }
    }

    @Test
    void aKmsOutageIsNotABadFrameAndStopsTheSkippingRead() {
        byte[] object = concat(List.of(seal(KEY_A, BLOB_A, utf8("a")), seal(KEY_A, BLOB_A, utf8("b"))));
        DataKeyDecrypter unavailable = (blob, context) -> {
            throw new io.securefirehose.errors.CredentialsUnavailableException("KMS is unreachable", true, null);
        };
        try (EnvelopeDecryptor decryptor = decryptor(unavailable)) {
            List<String> reports = new ArrayList<>();
            assertThatThrownBy(() -> skipping(decryptor, object, new ArrayList<>()))
                    .isInstanceOfSatisfying(
                            DecryptionFailedException.class,
                            e -> assertThat(e.isRetriable()).isTrue());
            assertThat(reports).isEmpty();
        }
    }

    @Test
    void afterEachReadTheThreadsCipherHoldsNoKey() {
        byte[] object = concat(List.of(seal(KEY_A, BLOB_A, utf8("a")), seal(KEY_B, BLOB_B, utf8("b"))));
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            assertThat(decryptor.decryptAll(object)).hasSize(2);
            assertThat(io.securefirehose.internal.keys.KeyResidue.of(EnvelopeDecryptor.threadCipher(), KEY_A))
                    .isEmpty();
            assertThat(io.securefirehose.internal.keys.KeyResidue.of(EnvelopeDecryptor.threadCipher(), KEY_B))
                    .isEmpty();
            // A frame that fails authentication leaves nothing behind either.
            byte[] tampered = seal(KEY_A, BLOB_A, utf8("c"));
            tampered[tampered.length - 1] ^= 1;
            assertThatThrownBy(() -> decryptor.decryptAll(tampered)).isInstanceOf(DecryptionFailedException.class);
            assertThat(io.securefirehose.internal.keys.KeyResidue.of(EnvelopeDecryptor.threadCipher(), KEY_A))
                    .isEmpty();
        }
    }

    @Test
    void aTruncatedObjectFailsAtTheCutFrame() {
        byte[] first = seal(KEY_A, BLOB_A, new byte[100]);
        byte[] second = seal(KEY_B, BLOB_B, new byte[100]);
        byte[] object = concat(List.of(first, second));
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            for (int length = first.length + 1; length < object.length; length++) {
                byte[] cut = java.util.Arrays.copyOf(object, length);
                assertThatThrownBy(() -> decryptor.decryptAll(cut))
                        .as("cut at %d", length)
                        .isInstanceOfSatisfying(DecryptionFailedException.class, e -> {
                            assertThat(e.offset()).isEqualTo(first.length);
                            assertThat(e.reason()).startsWith("truncated");
                        });
            }
        }
    }

    @Test
    void recordsOfAnotherStreamAreRefusedBeforeAnyKeyIsAskedFor() {
        Map<String, String> other = Map.of(
                "firehose-secure:delivery-stream", "arn:aws:firehose:us-east-1:111122223333:deliverystream/other");
        byte[] frame = EnvelopeFormat.seal(KEY_A, BLOB_A, other, new byte[12], new byte[10]);
        TestDataKeys keys = keys();
        try (EnvelopeDecryptor decryptor = decryptor(keys)) {
            assertThatThrownBy(() -> decryptor.decryptAll(frame))
                    .isInstanceOf(DecryptionFailedException.class)
                    .hasMessage("record at byte offset 0: the record belongs to delivery stream"
                            + " arn:aws:firehose:us-east-1:111122223333:deliverystream/other, not to the expected "
                            + STREAM);
            assertThat(keys.calls.get()).isZero();
        }
    }

    @Test
    void unknownVersionsAndForeignBytesAreNamed() {
        byte[] frame = seal(KEY_A, BLOB_A, new byte[3]);
        frame[4] = 2;
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            assertThatThrownBy(() -> decryptor.decryptAll(frame))
                    .hasMessage("record at byte offset 0: unknown format version 2; this decryptor reads version 1");
            assertThatThrownBy(() -> decryptor.decryptAll(
                            "{\"plain\":true}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .hasMessageContaining("not an envelope frame: magic 0x7b22706c");
            assertThatThrownBy(() -> decryptor.decryptAll(new byte[] {0x46, 0x48}))
                    .hasMessageContaining("truncated");
            assertThat(decryptor.decryptAll(new byte[0])).isEmpty();
        }
    }

    @Test
    void oneDataKeyDecryptionPerDistinctKeyAndTheCacheIsBounded() {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            frames.add(seal(i < 50 ? KEY_A : KEY_B, i < 50 ? BLOB_A : BLOB_B, new byte[] {(byte) i}));
        }
        TestDataKeys keys = keys();
        try (EnvelopeDecryptor decryptor = decryptor(keys)) {
            assertThat(decryptor.decryptAll(concat(frames))).hasSize(100);
            assertThat(decryptor.decryptAll(concat(frames))).hasSize(100);
            assertThat(keys.calls.get()).isEqualTo(2);
            assertThat(decryptor.dataKeyDecryptions()).isEqualTo(2);
        }
        TestDataKeys alternating = keys();
        try (EnvelopeDecryptor oneKey = EnvelopeDecryptor.builder()
                .expectedStreamArn(STREAM)
                .dataKeys(alternating)
                .maxCachedDataKeys(1)
                .build()) {
            oneKey.decryptAll(concat(List.of(frames.get(0), frames.get(99), frames.get(0))));
            assertThat(alternating.calls.get()).isEqualTo(3);
        }
    }

    @Test
    void aDataKeyKmsWillNotDecryptFailsTheRecordWithItsOffset() {
        byte[] good = seal(KEY_A, BLOB_A, new byte[5]);
        byte[] unknownKey = seal(KEY_A, filled(184, 0x33), new byte[5]);
        try (EnvelopeDecryptor decryptor = decryptor(keys())) {
            assertThatThrownBy(() -> decryptor.decryptAll(concat(List.of(good, unknownKey))))
                    .isInstanceOfSatisfying(DecryptionFailedException.class, e -> {
                        assertThat(e.offset()).isEqualTo(good.length);
                        assertThat(e.reason())
                                .isEqualTo("the data key could not be decrypted: InvalidCiphertextException");
                        assertThat(e.isRetriable()).isFalse();
                    });
        }
    }

    @Test
    void aClosedDecryptorRefusesWorkAndTheBuilderNeedsStreamAndKeys() {
        EnvelopeDecryptor decryptor = decryptor(keys());
        decryptor.close();
        decryptor.close();
        byte[] frame = seal(KEY_A, BLOB_A, new byte[1]);
        assertThatThrownBy(() -> decryptor.decryptAll(frame)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> EnvelopeDecryptor.builder().dataKeys(keys()).build())
                .hasMessageContaining("expectedStreamArn is required");
        assertThatThrownBy(() ->
                        EnvelopeDecryptor.builder().expectedStreamArn(STREAM).build())
                .hasMessageContaining("dataKeys is required");
        assertThatThrownBy(() -> EnvelopeDecryptor.builder().maxCachedDataKeys(0))
                .hasMessageContaining("maxCachedDataKeys must be between 1 and 100000, was 0");
        assertThat(HexFormat.of().formatHex(frame, 0, 4)).isEqualTo("46485345");
    }
}
