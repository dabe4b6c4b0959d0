package io.securefirehose.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.records.FirehoseLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The test vectors of {@code docs/envelope-format.md}. Their expected bytes were computed with an independent
 * implementation of the document (Python's {@code cryptography} AES-GCM), not with this code.
 */
class EnvelopeFormatTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final String STREAM_KEY = "firehose-secure:delivery-stream";

    static final Vector VECTOR_1 = new Vector(
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "4b4d532d424c4f422d4558414d504c452d30303031",
            Map.of(STREAM_KEY, "arn:aws:firehose:us-east-1:111122223333:deliverystream/orders"),
            "000102030405060708090a0b",
            "{\"id\":1}\n",
            "464853450100154b4d532d424c4f422d4558414d504c452d3030303100620001001f66697265686f73652d7365637572653a"
                    + "64656c69766572792d73747265616d003d61726e3a6177733a66697265686f73653a75732d656173742d313a3131"
                    + "313132323232333333333a64656c697665727973747265616d2f6f7264657273000102030405060708090a0b0000"
                    + "00093c20bf7fe7dff36687284bdf2e998b0575e9b1b39cdb3b239f");

    static final Vector VECTOR_2 = new Vector(
            "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0efeeedecebeae9e8e7e6e5e4e3e2e1e0",
            "a5".repeat(64),
            Map.of(STREAM_KEY, "arn:aws:firehose:eu-west-1:444455556666:deliverystream/audit", "app", "billing"),
            "cafebabefacedbaddecaf888",
            "",
            "46485345010040" + "a5".repeat(64) + "006f00020003617070000762696c6c696e67001f66697265686f73652d73656375"
                    + "72653a64656c69766572792d73747265616d003c61726e3a6177733a66697265686f73653a65752d776573742d31"
                    + "3a3434343435353535363636363a64656c697665727973747265616d2f6175646974cafebabefacedbaddecaf888"
                    + "000000001c3c01838202d91e016fd47cbb583b23");

    record Vector(
            String dataKey,
            String encryptedDataKey,
            Map<String, String> context,
            String nonce,
            String plaintext,
            String frame) {

        byte[] seal() {
            return EnvelopeFormat.seal(
                    HEX.parseHex(dataKey),
                    HEX.parseHex(encryptedDataKey),
                    context,
                    HEX.parseHex(nonce),
                    plaintext.getBytes(StandardCharsets.UTF_8));
        }

        TestDataKeys keys() {
            return new TestDataKeys().add(HEX.parseHex(encryptedDataKey), HEX.parseHex(dataKey), context);
        }

        String streamArn() {
            return context.get(STREAM_KEY);
        }
    }

    @Test
    void sealingReproducesTheDocumentedVectors() {
        assertThat(HEX.formatHex(VECTOR_1.seal())).isEqualTo(VECTOR_1.frame());
        assertThat(HEX.formatHex(VECTOR_2.seal())).isEqualTo(VECTOR_2.frame());
        assertThat(VECTOR_1.seal()).hasSize(169);
        assertThat(VECTOR_2.seal()).hasSize(216);
    }

    @Test
    void theDecryptorOpensTheDocumentedVectors() {
        for (Vector vector : new Vector[] {VECTOR_1, VECTOR_2}) {
            try (EnvelopeDecryptor decryptor = EnvelopeDecryptor.builder()
                    .expectedStreamArn(vector.streamArn())
                    .dataKeys(vector.keys())
                    .build()) {
                assertThat(decryptor.decryptAll(HEX.parseHex(vector.frame())))
                        .containsExactly(vector.plaintext().getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void contextIsEncodedInKeyOrderWithLengthPrefixes() {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("b", "2");
        context.put("a", "1");
        assertThat(HEX.formatHex(EnvelopeFormat.encodeContext(context)))
                .isEqualTo("0002" + "0001" + "61" + "0001" + "31" + "0001" + "62" + "0001" + "32");
        assertThat(EnvelopeFormat.encodeContext(Map.of())).containsExactly(0, 0);
        assertThatThrownBy(() -> EnvelopeFormat.encodeContext(Map.of("k", "")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> EnvelopeFormat.encodeContext(Map.of("k", "v".repeat(5000))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than the 4096");
    }

    @Test
    void overheadIsTheFixedFieldsPlusKeyAndContext() {
        byte[] frame = VECTOR_1.seal();
        int plaintext = VECTOR_1.plaintext().length();
        int context = EnvelopeFormat.encodeContext(VECTOR_1.context()).length;
        assertThat(frame.length - plaintext).isEqualTo(EnvelopeFormat.overheadBytes(21, context));
        assertThat(EnvelopeFormat.FIXED_OVERHEAD_BYTES).isEqualTo(41);
        assertThat(EnvelopeFormat.maxPlaintextBytes(VECTOR_1.context()))
                .isEqualTo(FirehoseLimits.MAX_RECORD_BYTES - 41 - 512 - context);
    }

    @Test
    void sealingRefusesWrongKeyAndNonceSizes() {
        assertThatThrownBy(() -> EnvelopeFormat.seal(new byte[16], new byte[1], Map.of(), new byte[12], new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> EnvelopeFormat.seal(new byte[32], new byte[1], Map.of(), new byte[8], new byte[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 bytes");
        assertThatThrownBy(() -> EnvelopeFormat.framePrefix(new byte[0], new byte[2]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("1 to 65535");
    }

    @Test
    void aContextDecodesBackToWhatWasEncoded() {
        Map<String, String> context = new LinkedHashMap<>();
        context.put("b-key", "two");
        context.put("a-key", "one \u00e9");

        assertThat(EnvelopeFormat.decodeContext(EnvelopeFormat.encodeContext(context)))
                .containsExactly(Map.entry("a-key", "one \u00e9"), Map.entry("b-key", "two"));
    }

    @Test
    void aContextIsDecodedStrictly() {
        byte[] b = {'b'};
        byte[] a = {'a'};
        byte[] v = {'v'};
        assertRefused(context(2, entry(b, v), entry(a, v)), "not in ascending order");
        assertRefused(context(2, entry(a, v), entry(a, v)), "not in ascending order");
        assertRefused(context(1, entry(new byte[0], v)), "empty key or value");
        assertRefused(context(1, entry(a, new byte[0])), "empty key or value");
        assertRefused(context(1, entry(a, new byte[] {(byte) 0xC3})), "not valid UTF-8");
        assertRefused(context(2, entry(a, v)), "cut short");
        assertRefused(context(1, entry(a, v), new byte[] {0}), "1 byte(s) left over");
    }

    private static void assertRefused(byte[] encoded, String reason) {
        assertThatThrownBy(() -> EnvelopeFormat.decodeContext(encoded))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(reason);
    }

    /** An encoded context: the entry count, then the entries as given (key and value, each after its length). */
    private static byte[] context(int count, byte[]... entries) {
        ByteBuffer out = ByteBuffer.allocate(1024).putShort((short) count);
        for (byte[] entry : entries) {
            out.put(entry);
        }
        return Arrays.copyOf(out.array(), out.position());
    }

    private static byte[] entry(byte[] key, byte[] value) {
        return ByteBuffer.allocate(4 + key.length + value.length)
                .putShort((short) key.length)
                .put(key)
                .putShort((short) value.length)
                .put(value)
                .array();
    }
}
