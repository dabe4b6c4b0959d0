package io.securefirehose.internal.crypto;

import io.securefirehose.crypto.EnvelopeFormat;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;

/** Random nonces drawn from a per-thread DRBG in blocks of 64. */
final class NoncePool {
    private static final int NONCES_PER_DRAW = 64;
    private final SecureRandom random;
    private final byte[] pool = new byte[EnvelopeFormat.NONCE_BYTES * NONCES_PER_DRAW];
    private int next = pool.length;

    NoncePool() {
        SecureRandom drbg;
        try {
            drbg = SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            drbg = new SecureRandom();
        }
        this.random = drbg;
    }

    /** Writes the next nonce into {@code target} at {@code offset}; each pool byte is handed out once. */
    void nextNonce(byte[] target, int offset) {
        if (next == pool.length) {
            random.nextBytes(pool);
            next = 0;
        }
        System.arraycopy(pool, next, target, offset, EnvelopeFormat.NONCE_BYTES);
        Arrays.fill(pool, next, next + EnvelopeFormat.NONCE_BYTES, (byte) 0);
        next += EnvelopeFormat.NONCE_BYTES;
    }
}
