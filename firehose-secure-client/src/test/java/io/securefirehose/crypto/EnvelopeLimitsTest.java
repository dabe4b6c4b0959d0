package io.securefirehose.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.errors.DecryptionFailedException;
import io.securefirehose.records.Coalescing;
import io.securefirehose.records.FirehoseLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The envelope format's limits exactly at their edges, on the writing and the reading side (a limit that is off by
 * one on either side makes valid frames unreadable or lets a reader allocate for a length the format forbids); the
 * frame offset each truncation message names; and the record counts the reads return.
 */
class EnvelopeLimitsTest {

    private static final String STREAM = "arn:aws:firehose:us-east-1:111122223333:deliverystream/orders";
    private static final String STREAM_KEY = "firehose-secure:delivery-stream";
    private static final Map<String, String> CONTEXT = Map.of(STREAM_KEY, STREAM);
    private static final byte[] KEY = filled(32, 0x11);
    private static final byte[] BLOB = filled(184, 0xA1);
    private static final byte[] NONCE = filled(12, 0x07);

    private static byte[] filled(int size, int value) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }

    /** A context that encodes to {@code bytes}: the stream entry and one padding entry. */
    private static Map<String, String> contextOf(int bytes) {
        int streamEntry = 4 + STREAM_KEY.length() + STREAM.length();
        int padding = bytes - 2 - streamEntry - 4 - "pad".length();
        return Map.of(STREAM_KEY, STREAM, "pad", "p".repeat(padding));
    }

    private static EnvelopeDecryptor decryptor(Map<String, String> context) {
        return EnvelopeDecryptor.builder()
                .expectedStreamArn(STREAM)
                .dataKeys(new TestDataKeys().add(BLOB, KEY, context))
                .build();
    }

    private static DecryptionFailedException failure(byte[] object) {
        try (EnvelopeDecryptor decryptor = decryptor(CONTEXT)) {
            List<byte[]> records = decryptor.decryptAll(object);
            throw new AssertionError("decrypted " + records.size() + " record(s) from a damaged frame");
        } catch (DecryptionFailedException expected) {
            return expected;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aContextOfExactlyTheMaximumIsWrittenAndReadAndOneByteMoreIsRefusedOnBothSides() {
        Map<String, String> largest = contextOf(EnvelopeFormat.MAX_CONTEXT_BYTES);
        assertThat(EnvelopeFormat.encodeContext(largest)).hasSize(4096);
        byte[] frame = EnvelopeFormat.seal(KEY, BLOB, largest, NONCE, utf8("fits"));
        try (EnvelopeDecryptor decryptor = decryptor(largest)) {
            assertThat(decryptor.decryptAll(frame)).containsExactly(utf8("fits"));
        }

        assertThatThrownBy(() -> EnvelopeFormat.encodeContext(contextOf(4097)))
                .hasMessage("the encryption context encodes to 4097 bytes, more than the 4096 the format allows");
        assertThat(EnvelopeFormat.framePrefix(BLOB, new byte[4096])).hasSize(7 + 184 + 2 + 4096);
        assertThatThrownBy(() -> EnvelopeFormat.framePrefix(BLOB, new byte[4097]))
                .hasMessage("the encoded context is 4097 bytes, more than the 4096 the format allows");
        ByteBuffer.wrap(frame).putShort(7 + BLOB.length, (short) 4097);
        assertThat(failure(frame).reason())
                .isEqualTo("the encryption context is 4097 bytes, more than the 4096 the format allows");
    }

    @Test
    void encryptedDataKeysOfOneTo65535BytesAreFramed() {
        byte[] context = EnvelopeFormat.encodeContext(CONTEXT);

        assertThat(EnvelopeFormat.framePrefix(new byte[1], context)).hasSize(7 + 1 + 2 + context.length);
        assertThat(EnvelopeFormat.framePrefix(new byte[0xFFFF], context)).hasSize(7 + 0xFFFF + 2 + context.length);
        assertThatThrownBy(() -> EnvelopeFormat.framePrefix(new byte[0x10000], context))
                .hasMessage("the encrypted data key must be 1 to 65535 bytes, was 65536");
        assertThatThrownBy(() -> EnvelopeFormat.framePrefix(new byte[0], context))
                .hasMessage("the encrypted data key must be 1 to 65535 bytes, was 0");
    }

    @Test
    void aCiphertextLengthUpToTheRecordLimitIsReadAndOneMoreIsRefusedBeforeReading() {
        byte[] frame = EnvelopeFormat.seal(KEY, BLOB, CONTEXT, NONCE, utf8("small"));
        int contextBytes = EnvelopeFormat.encodeContext(CONTEXT).length;
        int lengthField = 7 + BLOB.length + 2 + contextBytes + EnvelopeFormat.NONCE_BYTES;
        int ciphertextAt = lengthField + 4;

        ByteBuffer.wrap(frame).putInt(lengthField, FirehoseLimits.MAX_RECORD_BYTES);
        assertThat(failure(frame).reason())
                .as("a length at the limit is read: the frame is merely shorter than it says")
                .isEqualTo("truncated: the frame needs 1024016 byte(s) at frame offset " + ciphertextAt
                        + " but the object ends after " + (frame.length - ciphertextAt));

        ByteBuffer.wrap(frame).putInt(lengthField, FirehoseLimits.MAX_RECORD_BYTES + 1);
        assertThat(failure(frame).reason())
                .isEqualTo("the ciphertext length 1024001 exceeds the 1024000 bytes a Firehose record can hold");
    }

    @Test
    void aTruncatedFrameNamesTheFrameOffsetOfTheFieldItWasReading() {
        byte[] frame = EnvelopeFormat.seal(KEY, BLOB, CONTEXT, NONCE, new byte[10]);
        int context = EnvelopeFormat.encodeContext(CONTEXT).length;
        int contextLengthAt = 7 + 184;
        int contextAt = contextLengthAt + 2;
        int nonceAt = contextAt + context;
        int ciphertextAt = nonceAt + 16;

        assertThat(failure(Arrays.copyOf(frame, 7 + 10)).reason())
                .isEqualTo("truncated: the frame needs 184 byte(s) at frame offset 7 but the object ends after 10");
        assertThat(failure(Arrays.copyOf(frame, contextLengthAt + 1)).reason())
                .isEqualTo("truncated: the frame needs 2 byte(s) at frame offset 191 but the object ends after 1");
        assertThat(failure(Arrays.copyOf(frame, contextAt + 5)).reason())
                .isEqualTo("truncated: the frame needs " + context
                        + " byte(s) at frame offset 193 but the object ends after 5");
        assertThat(failure(Arrays.copyOf(frame, nonceAt + 3)).reason())
                .isEqualTo("truncated: the frame needs 16 byte(s) at frame offset " + nonceAt
                        + " but the object ends after 3");
        assertThat(failure(Arrays.copyOf(frame, ciphertextAt + 4)).reason())
                .isEqualTo("truncated: the frame needs 26 byte(s) at frame offset " + ciphertextAt
                        + " but the object ends after 4");
    }

    @Test
    void eachReadReturnsHowManyRecordsItHandedOut() {
        ByteArrayOutputStream object = new ByteArrayOutputStream();
        object.writeBytes(EnvelopeFormat.seal(KEY, BLOB, CONTEXT, NONCE, utf8("one")));
        object.writeBytes(EnvelopeFormat.seal(KEY, BLOB, CONTEXT, NONCE, utf8("two")));
        object.writeBytes(EnvelopeFormat.seal(KEY, BLOB, CONTEXT, NONCE, utf8("three")));
        byte[] valid = object.toByteArray();
        object.writeBytes(filled(40, 0x5A)); // a damaged stretch up to the end of the object
        byte[] damagedTail = object.toByteArray();
        List<byte[]> records = new ArrayList<>();
        List<DecryptionFailedException> bad = new ArrayList<>();

        try (EnvelopeDecryptor decryptor = decryptor(CONTEXT)) {
            assertThat(decryptor.forEach(new ByteArrayInputStream(valid), records::add))
                    .isEqualTo(3);
            assertThat(decryptor.forEach(new ByteArrayInputStream(valid), records::add, bad::add))
                    .isEqualTo(3);
            assertThat(decryptor.forEach(new ByteArrayInputStream(damagedTail), records::add, bad::add))
                    .isEqualTo(3);
        }
        assertThat(records).hasSize(9);
        assertThat(bad).singleElement().satisfies(e -> assertThat(e.offset()).isEqualTo(valid.length));

        byte[] packed = EnvelopeFormat.seal(KEY, BLOB, CONTEXT, NONCE, utf8("a\nb\nc\n"));
        List<byte[]> unpacked = new ArrayList<>();
        try (EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                .expectedStreamArn(STREAM)
                .dataKeys(new TestDataKeys().add(BLOB, KEY, CONTEXT))
                .coalescedWith(Coalescing.Framing.NEWLINE)
                .build()) {
            assertThat(decryptor.forEach(new ByteArrayInputStream(packed), unpacked::add))
                    .isEqualTo(3);
        }
        assertThat(unpacked).containsExactly(utf8("a"), utf8("b"), utf8("c"));
    }

    @Test
    void theKeyCacheHoldsOneTo100000Keys() {
        EnvelopeDecryptor.Builder builder =
                EnvelopeDecryptor.builder().expectedStreamArn(STREAM).dataKeys(new TestDataKeys());

        builder.maxCachedDataKeys(1).build().close();
        builder.maxCachedDataKeys(100_000).build().close();
        assertThatThrownBy(() -> builder.maxCachedDataKeys(100_001))
                .hasMessage("maxCachedDataKeys must be between 1 and 100000, was 100001");
    }
}
