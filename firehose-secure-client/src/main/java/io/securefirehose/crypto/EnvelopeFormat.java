package io.securefirehose.crypto;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.records.FirehoseLimits;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.apiguardian.api.API;

/**
 * The envelope record format, version 1: one self-delimiting frame per record, so that frames concatenated by
 * Firehose (with nothing between them) can be split again. {@code docs/envelope-format.md} specifies it byte by
 * byte; this class holds its constants and a reference implementation of sealing.
 *
 * <pre>
 * offset      size  field
 * 0           4     magic 0x46 0x48 0x53 0x45 ("FHSE")
 * 4           1     version 0x01
 * 5           2     K: length of the encrypted data key
 * 7           K     encrypted data key (the KMS ciphertext blob)
 * 7+K         2     C: length of the encoded encryption context
 * 9+K         C     encryption context (see {@link #encodeContext})
 * 9+K+C       12    nonce
 * 21+K+C      4     L: length of the ciphertext (= plaintext length)
 * 25+K+C      L     ciphertext, AES-256-GCM
 * 25+K+C+L    16    GCM tag
 * </pre>
 *
 * <p>All lengths are unsigned big-endian. The additional authenticated data is every byte before the ciphertext
 * (magic through {@code L}), so the version, the data key, the context, the nonce and the length are all
 * authenticated with the plaintext.
 *
 * <p>Stateless and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class EnvelopeFormat {

    /** The first four bytes of every frame, "FHSE" in ASCII. */
    public static final int MAGIC = 0x46485345;

    /** The format version this SDK writes and reads. */
    public static final int VERSION = 1;

    /** Bytes of the GCM nonce. */
    public static final int NONCE_BYTES = 12;

    /** Bytes of the GCM authentication tag. */
    public static final int TAG_BYTES = 16;

    /** Bytes of a data key: AES-256. */
    public static final int DATA_KEY_BYTES = 32;

    /** Bytes of a frame besides the encrypted data key, the context and the ciphertext. */
    public static final int FIXED_OVERHEAD_BYTES = 4 + 1 + 2 + 2 + NONCE_BYTES + 4 + TAG_BYTES;

    /**
     * Space the producer reserves for the encrypted data key when it decides whether a plaintext fits into a
     * Firehose record. KMS answers {@code GenerateDataKey} for an AES-256 key with a blob of well under this size;
     * a larger blob is refused, so that the limit a {@code send} is checked against never depends on KMS.
     */
    public static final int MAX_ENCRYPTED_DATA_KEY_BYTES = 512;

    /** Most bytes of an encoded encryption context. */
    public static final int MAX_CONTEXT_BYTES = 4096;

    private EnvelopeFormat() {}

    /**
     * Encodes an encryption context: a 2-byte pair count, then for each pair in ascending order of the key's UTF-8
     * bytes a 2-byte key length, the key, a 2-byte value length and the value (UTF-8).
     *
     * @param context the pairs; keys and values non-empty
     * @return the encoding
     * @throws IllegalArgumentException if a key or value is empty or the encoding exceeds
     *     {@value #MAX_CONTEXT_BYTES} bytes
     */
    public static byte[] encodeContext(Map<String, String> context) {
        TreeMap<byte[], byte[]> sorted = new TreeMap<>(Arrays::compareUnsigned);
        for (Map.Entry<String, String> entry : context.entrySet()) {
            byte[] key = Objects.requireNonNull(entry.getKey(), "context key").getBytes(StandardCharsets.UTF_8);
            byte[] value =
                    Objects.requireNonNull(entry.getValue(), "context value").getBytes(StandardCharsets.UTF_8);
            if (key.length == 0 || value.length == 0) {
                throw new IllegalArgumentException(
                        "encryption context keys and values must not be empty, key was '" + entry.getKey() + "'");
            }
            sorted.put(key, value);
        }
        int size = 2;
        for (Map.Entry<byte[], byte[]> entry : sorted.entrySet()) {
            size += 4 + entry.getKey().length + entry.getValue().length;
        }
        if (size > MAX_CONTEXT_BYTES) {
            throw new IllegalArgumentException("the encryption context encodes to " + size + " bytes, more than the "
                    + MAX_CONTEXT_BYTES + " the format allows");
        }
        ByteBuffer out = ByteBuffer.allocate(size).putShort((short) sorted.size());
        for (Map.Entry<byte[], byte[]> entry : sorted.entrySet()) {
            out.putShort((short) entry.getKey().length).put(entry.getKey());
            out.putShort((short) entry.getValue().length).put(entry.getValue());
        }
        return out.array();
    }

    /**
     * Bytes a frame adds to its plaintext.
     *
     * @param encryptedDataKeyBytes length of the encrypted data key
     * @param contextBytes length of the encoded context
     * @return {@code 41 + encryptedDataKeyBytes + contextBytes}
     */
    public static int overheadBytes(int encryptedDataKeyBytes, int contextBytes) {
        return FIXED_OVERHEAD_BYTES + encryptedDataKeyBytes + contextBytes;
    }

    /**
     * The largest plaintext whose frame fits into one Firehose record (1,024,000 bytes), with the encrypted data
     * key counted at its reserved size {@value #MAX_ENCRYPTED_DATA_KEY_BYTES}.
     *
     * @param context the encryption context the frames carry
     * @return the largest plaintext a producer with this context accepts
     */
    public static int maxPlaintextBytes(Map<String, String> context) {
        return FirehoseLimits.MAX_RECORD_BYTES
                - overheadBytes(MAX_ENCRYPTED_DATA_KEY_BYTES, encodeContext(context).length);
    }

    /**
     * The bytes every frame under one data key starts with: magic, version, the encrypted data key and the encoded
     * context, each with its length.
     *
     * @param encryptedDataKey the KMS ciphertext blob, 1 to 65,535 bytes
     * @param encodedContext output of {@link #encodeContext}
     * @return the frame prefix, up to (not including) the nonce
     */
    public static byte[] framePrefix(byte[] encryptedDataKey, byte[] encodedContext) {
        if (encryptedDataKey.length < 1 || encryptedDataKey.length > 0xFFFF) {
            throw new IllegalArgumentException(
                    "the encrypted data key must be 1 to 65535 bytes, was " + encryptedDataKey.length);
        }
        if (encodedContext.length > MAX_CONTEXT_BYTES) {
            throw new IllegalArgumentException("the encoded context is " + encodedContext.length
                    + " bytes, more than the " + MAX_CONTEXT_BYTES + " the format allows");
        }
        return ByteBuffer.allocate(4 + 1 + 2 + encryptedDataKey.length + 2 + encodedContext.length)
                .putInt(MAGIC)
                .put((byte) VERSION)
                .putShort((short) encryptedDataKey.length)
                .put(encryptedDataKey)
                .putShort((short) encodedContext.length)
                .put(encodedContext)
                .array();
    }

    /**
     * Seals one plaintext into a frame: the reference implementation of the format, deterministic for a given
     * nonce (the producer draws a fresh random nonce per record). Used for the test vectors of the specification.
     *
     * @param dataKey the 32-byte plaintext data key
     * @param encryptedDataKey the data key as encrypted by KMS
     * @param context the encryption context given to KMS
     * @param nonce 12 bytes, never used twice with the same data key
     * @param plaintext the record
     * @return the frame
     */
    public static byte[] seal(
            byte[] dataKey, byte[] encryptedDataKey, Map<String, String> context, byte[] nonce, byte[] plaintext) {
        if (dataKey.length != DATA_KEY_BYTES) {
            throw new IllegalArgumentException(
                    "the data key must be " + DATA_KEY_BYTES + " bytes (AES-256), was " + dataKey.length);
        }
        if (nonce.length != NONCE_BYTES) {
            throw new IllegalArgumentException("the nonce must be " + NONCE_BYTES + " bytes, was " + nonce.length);
        }
        byte[] prefix = framePrefix(encryptedDataKey, encodeContext(context));
        int headerLength = prefix.length + NONCE_BYTES + 4;
        byte[] frame = new byte[headerLength + plaintext.length + TAG_BYTES];
        ByteBuffer.wrap(frame).put(prefix).put(nonce).putInt(plaintext.length);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(
                    Cipher.ENCRYPT_MODE, new SecretKeySpec(dataKey, "AES"), new GCMParameterSpec(TAG_BYTES * 8, nonce));
            cipher.updateAAD(frame, 0, headerLength);
            cipher.doFinal(plaintext, 0, plaintext.length, frame, headerLength);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
        return frame;
    }

    /**
     * Decodes an encryption context written by {@link #encodeContext}, strictly: every length in range, keys in
     * ascending order without repeats, valid UTF-8, nothing left over.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    static Map<String, String> decodeContext(byte[] encoded) {
        ByteBuffer in = ByteBuffer.wrap(encoded);
        try {
            int count = Short.toUnsignedInt(in.getShort());
            Map<String, String> context = new LinkedHashMap<>();
            byte[] previous = null;
            for (int i = 0; i < count; i++) {
                byte[] key = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(key);
                byte[] value = new byte[Short.toUnsignedInt(in.getShort())];
                in.get(value);
                if (key.length == 0 || value.length == 0) {
                    throw new IllegalArgumentException("the encryption context has an empty key or value");
                }
                if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                    throw new IllegalArgumentException("the encryption context keys are not in ascending order");
                }
                previous = key;
                context.put(utf8(key), utf8(value));
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(
                        "the encryption context has " + in.remaining() + " byte(s) left over");
            }
            return context;
        } catch (BufferUnderflowException e) {
            throw new IllegalArgumentException("the encryption context is cut short");
        }
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("the encryption context is not valid UTF-8");
        }
    }
}
