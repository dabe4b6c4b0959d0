package io.securefirehose.internal.crypto;

import io.securefirehose.crypto.EnvelopeFormat;
import io.securefirehose.internal.keys.DataKey;
import io.securefirehose.internal.keys.KeyedCipher;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.LongAdder;
import javax.crypto.Cipher;

/** Writes envelope frames: header, a fresh random nonce, AES-256-GCM ciphertext and tag (docs/envelope-format.md). */
final class FrameSealer {

    // One nonce pool per thread: no shared lock on the send path, and one generator call per 64 nonces (a call
    // for each 12-byte nonce cost about ten times as much; nonces are not secret, so drawing them early is safe).
    private static final ThreadLocal<NoncePool> NONCES = ThreadLocal.withInitial(NoncePool::new);

    private final LongAdder encryptNanos = new LongAdder();
    private final LongAdder sealedRecords = new LongAdder();
    private final LongAdder overheadBytes = new LongAdder();

    /**
     * Seals one plaintext into an envelope frame with a claimed data key, and releases the claim. Counts what it
     * sealed for the encryption meters. Called on the caller's thread (the hot path) and the scheduler thread; no lock.
     */
    byte[] seal(DataKey key, byte[] plaintext) {
        long start = System.nanoTime();
        try {
            byte[] prefix = key.framePrefix();
            int headerLength = prefix.length + EnvelopeFormat.NONCE_BYTES + 4;
            byte[] frame = new byte[headerLength + plaintext.length + EnvelopeFormat.TAG_BYTES];
            System.arraycopy(prefix, 0, frame, 0, prefix.length);
            NONCES.get().nextNonce(frame, prefix.length);
            ByteBuffer.wrap(frame, prefix.length + EnvelopeFormat.NONCE_BYTES, 4)
                    .putInt(plaintext.length);
            KeyedCipher lent = key.borrowCipher();
            try {
                Cipher cipher = key.seal(lent, frame, prefix.length, EnvelopeFormat.NONCE_BYTES);
                cipher.updateAAD(frame, 0, headerLength);
                cipher.doFinal(plaintext, 0, plaintext.length, frame, headerLength);
            } finally {
                key.returnCipher(lent);
            }
            overheadBytes.add(frame.length - (long) plaintext.length);
            sealedRecords.increment();
            return frame;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM sealing failed", e);
        } finally {
            key.release();
            encryptNanos.add(System.nanoTime() - start);
        }
    }

    long encryptNanos() {
        return encryptNanos.sum();
    }

    long sealedRecords() {
        return sealedRecords.sum();
    }

    long overheadBytes() {
        return overheadBytes.sum();
    }
}
