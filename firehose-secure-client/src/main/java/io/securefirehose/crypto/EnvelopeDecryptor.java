package io.securefirehose.crypto;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.errors.DecryptionFailedException;
import io.securefirehose.internal.keys.KeyedCipher;
import io.securefirehose.internal.text.Printable;
import io.securefirehose.records.CoalescedRecords;
import io.securefirehose.records.Coalescing;
import io.securefirehose.records.FirehoseLimits;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Reads what Firehose delivered for an envelope-encrypted stream (an S3 object: frames concatenated with nothing
 * between them, plain or gzip-compressed by Firehose) and yields the plaintext records in order.
 *
 * <ul>
 *   <li>Each frame is authenticated (AES-256-GCM, header included) before its plaintext is handed out; nothing that
 *       did not authenticate is ever returned.
 *   <li>Every frame must name the expected delivery stream in its encryption context; a frame of another stream is
 *       refused before any key is asked for.
 *   <li>One {@link DataKeyDecrypter} call (KMS {@code Decrypt}) per distinct data key; keys are cached (at most
 *       {@link Builder#maxCachedDataKeys}) and wiped on eviction and on {@link #close()}.
 *   <li>Damage, truncation, an unknown version or a failed authentication stop the read with a
 *       {@link DecryptionFailedException} naming the frame's byte offset in the decompressed object and the
 *       reason; or, with {@link #forEach(InputStream, Consumer, Consumer)}, are reported frame by frame while the
 *       read goes on with the next frame that authenticates, so one foreign or damaged record does not make the
 *       rest of an object unreadable.
 *   <li>Strings read from a frame (a stream name) are escaped before they appear in a message.
 * </ul>
 *
 * <p>Thread-safe: methods may be called from several threads; the key cache is shared. Decryption runs on the
 * calling thread.
 */
@API(status = STABLE, since = "0.1.0")
public final class EnvelopeDecryptor implements AutoCloseable {

    private static final int MAX_CIPHERTEXT_BYTES = FirehoseLimits.MAX_RECORD_BYTES;

    /** The largest a frame can be: the most a reader must be able to go back to look for the next one. */
    private static final int MAX_FRAME_BYTES = 4
            + 3
            + 0xFFFF
            + 2
            + EnvelopeFormat.MAX_CONTEXT_BYTES
            + EnvelopeFormat.NONCE_BYTES
            + 4
            + MAX_CIPHERTEXT_BYTES
            + EnvelopeFormat.TAG_BYTES;

    // Looking a cipher up costs more than decrypting a small record; one per thread is reused, and made to forget
    // its last key when a read ends, so a thread holds no key between reads. (Forgetting after every frame cost
    // 3 µs and 3.6 KB a frame, and protected nothing more: the key cache holds the keys during a read anyway.)
    /** What {@link #resynchronise} returns when no frame follows the damage. */
    private static final long END_OF_OBJECT = -1;

    private static final ThreadLocal<KeyedCipher> CIPHER = ThreadLocal.withInitial(KeyedCipher::new);

    private final String expectedStreamArn;
    private final DataKeyDecrypter dataKeys;
    private final int maxCachedDataKeys;
    private final Coalescing.@Nullable Framing framing;
    private final DecryptedKeyCache keys;

    private EnvelopeDecryptor(Builder b) {
        this.expectedStreamArn = Objects.requireNonNull(b.expectedStreamArn);
        this.dataKeys = Objects.requireNonNull(b.dataKeys);
        this.maxCachedDataKeys = b.maxCachedDataKeys;
        this.framing = b.framing;
        this.keys = new DecryptedKeyCache(dataKeys, maxCachedDataKeys);
    }

    /** The calling thread's cipher, for the test that proves it holds no key between frames. */
    static KeyedCipher threadCipher() {
        return CIPHER.get();
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Decrypts every record of an object, in order, handing each plaintext to {@code records} as soon as it
     * authenticated. Gzip is detected by its magic bytes and undone first.
     *
     * @param object the object's bytes; not closed
     * @param records receives each record's plaintext, on the calling thread
     * @return the number of records
     * @throws DecryptionFailedException at the first frame that cannot be decrypted (records before it were handed
     *     out)
     * @throws UncheckedIOException if reading the stream fails
     */
    public long forEach(InputStream object, Consumer<byte[]> records) {
        Objects.requireNonNull(records, "records");
        return read(Objects.requireNonNull(object, "object"), records, null);
    }

    /**
     * Decrypts every record that authenticates, reporting each bad frame and going on with the next valid one. A
     * frame whose structure is intact but that fails (another stream, failed authentication, a data key KMS refuses)
     * is skipped whole; after damage to the structure itself (bad magic, impossible lengths, truncation) the read
     * resumes at the next offset where a frame authenticates. Each damaged stretch is reported once, at its first
     * bad byte. A failure that may pass if retried (KMS unreachable or throttling) is not a bad frame: it stops the
     * read as in {@link #forEach(InputStream, Consumer)}.
     *
     * @param object the object's bytes; not closed
     * @param records receives each record's plaintext, on the calling thread
     * @param badFrames receives each bad frame, its {@link DecryptionFailedException#offset()} and
     *     {@link DecryptionFailedException#reason()}, on the calling thread
     * @return the number of records handed out
     * @throws DecryptionFailedException if a data key could not be decrypted for a reason that may pass
     * @throws UncheckedIOException if reading the stream fails
     */
    public long forEach(InputStream object, Consumer<byte[]> records, Consumer<DecryptionFailedException> badFrames) {
        Objects.requireNonNull(records, "records");
        Objects.requireNonNull(badFrames, "badFrames");
        return read(Objects.requireNonNull(object, "object"), records, badFrames);
    }

    private long read(
            InputStream object, Consumer<byte[]> records, @Nullable Consumer<DecryptionFailedException> badFrames) {
        try {
            BufferedInputStream in = decompressed(object);
            long offset = 0;
            long count = 0;
            while (true) {
                if (badFrames != null) {
                    in.mark(MAX_FRAME_BYTES);
                }
                Frame frame;
                try {
                    frame = nextFrame(in, offset);
                } catch (BadFrame bad) {
                    if (badFrames == null || bad.error.isRetriable()) {
                        throw bad.error;
                    }
                    badFrames.accept(bad.error);
                    // Lengths that did not authenticate cannot be trusted: look for the next frame byte by byte.
                    in.reset();
                    offset = resynchronise(in, offset + 1, badFrames);
                    if (offset == END_OF_OBJECT) {
                        return count;
                    }
                    continue;
                }
                if (frame == null) {
                    return count;
                }
                offset = frame.end();
                if (framing == null) {
                    count++;
                    records.accept(frame.plaintext());
                } else {
                    // A packed record authenticated as a whole; its records are handed out one by one.
                    for (byte[] record : CoalescedRecords.split(frame.plaintext(), framing)) {
                        count++;
                        records.accept(record);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the object failed", e);
        } finally {
            CIPHER.get().forget();
        }
    }

    /**
     * After damage at a frame that started where {@code in} is now: steps past its first byte and on until a frame
     * parses and authenticates. A candidate whose whole structure parsed but that failed (another stream, failed
     * authentication) is reported as a bad frame of its own; other candidates are bytes of the damaged stretch.
     *
     * @return the offset of the next valid frame, with {@code in} positioned at it, or {@link #END_OF_OBJECT}
     */
    private long resynchronise(BufferedInputStream in, long from, Consumer<DecryptionFailedException> badFrames)
            throws IOException {
        // The damaged frame's first byte, which exists: reading it is how the frame failed.
        in.skipNBytes(1);
        long position = from;
        byte[] window = new byte[4];
        while (true) {
            in.mark(MAX_FRAME_BYTES);
            if (in.readNBytes(window, 0, 4) < 4) {
                return END_OF_OBJECT;
            }
            if (ByteBuffer.wrap(window).getInt() == EnvelopeFormat.MAGIC) {
                in.reset(); // the mark stays where the candidate starts
                try {
                    if (nextFrame(in, position) != null) {
                        in.reset();
                        return position;
                    }
                } catch (BadFrame notAFrame) {
                    if (notAFrame.error.isRetriable()) {
                        throw notAFrame.error;
                    }
                    if (notAFrame.wholeFrame) {
                        badFrames.accept(notAFrame.error);
                    }
                }
            }
            in.reset();
            in.skipNBytes(1);
            position++;
        }
    }

    /**
     * Decrypts every record of an object.
     *
     * @param object the object's bytes, plain or gzip-compressed
     * @return the plaintext records in order
     * @throws DecryptionFailedException at the first frame that cannot be decrypted; no record is returned then
     */
    public List<byte[]> decryptAll(byte[] object) {
        List<byte[]> out = new ArrayList<>();
        forEach(new ByteArrayInputStream(object), out::add);
        return out;
    }

    /** @return how many data keys were decrypted (KMS calls) so far */
    public long dataKeyDecryptions() {
        return keys.decryptions();
    }

    /** Wipes the cached data keys; the decryptor cannot be used afterwards. Idempotent. */
    @Override
    public void close() {
        keys.close();
    }

    private static BufferedInputStream decompressed(InputStream object) throws IOException {
        BufferedInputStream in = new BufferedInputStream(object, 64 * 1024);
        in.mark(2);
        int first = in.read();
        int second = in.read();
        in.reset();
        if (first == 0x1f && second == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 64 * 1024), 64 * 1024);
        }
        return in;
    }

    /** One authenticated record and the offset just past its frame. Never compared or hashed. */
    @SuppressWarnings("ArrayRecordComponent")
    private record Frame(byte[] plaintext, long end) {}

    /**
     * A frame that could not be decrypted: the public error, and whether the frame's whole structure was read
     * (it failed on its stream, its key or its authentication) rather than being damaged in its structure.
     */
    private static final class BadFrame extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings("serial") // never serialised: caught inside this class
        final DecryptionFailedException error;

        final boolean wholeFrame;

        BadFrame(DecryptionFailedException error, boolean wholeFrame) {
            super(error.getMessage(), error, false, false);
            this.error = error;
            this.wholeFrame = wholeFrame;
        }
    }

    private @Nullable Frame nextFrame(InputStream in, long start) throws IOException {
        byte[] magic = new byte[4];
        int got = in.readNBytes(magic, 0, 4);
        if (got == 0) {
            return null;
        }
        if (got < 4) {
            throw failure(start, "truncated: the object ends " + got + " byte(s) into a frame header");
        }
        int magicValue = ByteBuffer.wrap(magic).getInt();
        if (magicValue != EnvelopeFormat.MAGIC) {
            throw failure(
                    start,
                    String.format(
                            "not an envelope frame: magic 0x%08x, expected 0x%08x (the object is damaged or not encrypted by"
                                    + " firehose-secure)",
                            magicValue, EnvelopeFormat.MAGIC));
        }
        ByteBuffer fixed = ByteBuffer.wrap(read(in, 3, start, 4));
        int version = Byte.toUnsignedInt(fixed.get());
        if (version != EnvelopeFormat.VERSION) {
            throw failure(
                    start,
                    "unknown format version " + version + "; this decryptor reads version " + EnvelopeFormat.VERSION);
        }
        int keyLength = Short.toUnsignedInt(fixed.getShort());
        if (keyLength == 0) {
            throw failure(start, "the encrypted data key is empty");
        }
        long position = 7;
        byte[] encryptedKey = read(in, keyLength, start, position);
        position += keyLength;
        int contextLength = Short.toUnsignedInt(
                ByteBuffer.wrap(read(in, 2, start, position)).getShort());
        position += 2;
        if (contextLength > EnvelopeFormat.MAX_CONTEXT_BYTES) {
            throw failure(
                    start,
                    "the encryption context is " + contextLength + " bytes, more than the "
                            + EnvelopeFormat.MAX_CONTEXT_BYTES + " the format allows");
        }
        byte[] encodedContext = read(in, contextLength, start, position);
        position += contextLength;
        Map<String, String> context;
        try {
            context = EnvelopeFormat.decodeContext(encodedContext);
        } catch (IllegalArgumentException e) {
            throw failure(start, String.valueOf(e.getMessage()));
        }
        byte[] nonceAndLength = read(in, EnvelopeFormat.NONCE_BYTES + 4, start, position);
        position += nonceAndLength.length;
        long ciphertextLength = Integer.toUnsignedLong(
                ByteBuffer.wrap(nonceAndLength, EnvelopeFormat.NONCE_BYTES, 4).getInt());
        if (ciphertextLength > MAX_CIPHERTEXT_BYTES) {
            throw failure(
                    start,
                    "the ciphertext length " + ciphertextLength + " exceeds the " + MAX_CIPHERTEXT_BYTES
                            + " bytes a Firehose record can hold");
        }
        byte[] sealed = read(in, (int) ciphertextLength + EnvelopeFormat.TAG_BYTES, start, position);
        int headerLength = 4 + 3 + keyLength + 2 + contextLength + nonceAndLength.length;
        long end = start + headerLength + sealed.length;
        // Checked before any key is asked for; the whole frame was read, so a skipping reader goes on after it.
        String stream = context.get(LeastPrivilegePolicies.STREAM_CONTEXT_KEY);
        if (!expectedStreamArn.equals(stream)) {
            throw new BadFrame(
                    new DecryptionFailedException(
                            start,
                            "the record belongs to delivery stream "
                                    + (stream == null ? "(none named)" : Printable.of(stream))
                                    + ", not to the expected " + expectedStreamArn,
                            false,
                            null),
                    true);
        }
        byte[] header = ByteBuffer.allocate(headerLength)
                .putInt(magicValue)
                .put((byte) version)
                .putShort((short) keyLength)
                .put(encryptedKey)
                .putShort((short) contextLength)
                .put(encodedContext)
                .put(nonceAndLength)
                .array();
        byte[] dataKey;
        try {
            dataKey = keys.dataKey(encryptedKey, encodedContext, context, start);
        } catch (DecryptionFailedException e) {
            throw new BadFrame(e, true);
        }
        byte[] plaintext;
        KeyedCipher keyed = CIPHER.get();
        try {
            Cipher cipher = keyed.init(Cipher.DECRYPT_MODE, dataKey, nonceAndLength, 0, EnvelopeFormat.NONCE_BYTES);
            cipher.updateAAD(header);
            plaintext = cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new BadFrame(
                    new DecryptionFailedException(
                            start,
                            "authentication failed: the frame was modified or does not belong to its data key",
                            false,
                            null),
                    true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        } finally {
            Arrays.fill(dataKey, (byte) 0);
        }
        return new Frame(plaintext, end);
    }

    private static byte[] read(InputStream in, int length, long frameStart, long position) throws IOException {
        byte[] bytes = in.readNBytes(length);
        if (bytes.length < length) {
            throw failure(
                    frameStart,
                    "truncated: the frame needs " + length + " byte(s) at frame offset " + position
                            + " but the object ends after " + bytes.length);
        }
        return bytes;
    }

    /** Damage to a frame's structure: where it ends is unknown. */
    private static BadFrame failure(long offset, String reason) {
        return new BadFrame(new DecryptionFailedException(offset, reason, false, null), false);
    }

    /** Collects the settings. Not thread-safe. */
    public static final class Builder {
        private @Nullable String expectedStreamArn;
        private @Nullable DataKeyDecrypter dataKeys;
        private int maxCachedDataKeys = 256;
        private Coalescing.@Nullable Framing framing;

        private Builder() {}

        /**
         * The producer packed records ({@code coalescing(...)}) with this framing: hand out each packed record's
         * records instead of the packed plaintext. Newline framing yields each line without its {@code '\n'}.
         *
         * @param framing the producer's framing
         * @return this builder
         */
        public Builder coalescedWith(Coalescing.Framing framing) {
            this.framing = Objects.requireNonNull(framing, "framing must not be null");
            return this;
        }

        /**
         * The stream every record must belong to (its encryption context must name it). Required.
         *
         * @param streamArn {@code arn:aws:firehose:<region>:<account>:deliverystream/<name>}
         * @return this builder
         */
        public Builder expectedStreamArn(String streamArn) {
            this.expectedStreamArn = Objects.requireNonNull(streamArn, "expectedStreamArn must not be null");
            return this;
        }

        /**
         * How data keys are decrypted. Required; normally a {@link KmsDataKeyDecrypter}.
         *
         * @param decrypter the decrypter
         * @return this builder
         */
        public Builder dataKeys(DataKeyDecrypter decrypter) {
            this.dataKeys = Objects.requireNonNull(decrypter, "dataKeys must not be null");
            return this;
        }

        /**
         * Most decrypted data keys kept; the least recently used is wiped first. Default 256.
         *
         * @param keys 1 to 100,000
         * @return this builder
         */
        public Builder maxCachedDataKeys(int keys) {
            if (keys < 1 || keys > 100_000) {
                throw new IllegalArgumentException("maxCachedDataKeys must be between 1 and 100000, was " + keys);
            }
            this.maxCachedDataKeys = keys;
            return this;
        }

        /**
         * @return the decryptor
         * @throws IllegalStateException if the stream or the decrypter is missing
         */
        public EnvelopeDecryptor build() {
            if (expectedStreamArn == null) {
                throw new IllegalStateException("expectedStreamArn is required: records of other streams are refused");
            }
            if (dataKeys == null) {
                throw new IllegalStateException("dataKeys is required: for example KmsDataKeyDecrypter.builder()");
            }
            return new EnvelopeDecryptor(this);
        }
    }
}
