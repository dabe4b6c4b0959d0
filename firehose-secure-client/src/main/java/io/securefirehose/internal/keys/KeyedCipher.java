package io.securefirehose.internal.keys;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import org.apiguardian.api.API;

/**
 * An AES-GCM {@link Cipher} that can be made to forget its key. The JDK's cipher keeps what it needs of the last key
 * it was initialised with: the expanded key schedule and, for encryption, the key bytes themselves (to refuse a
 * repeated key and nonce). {@link #forget()} re-initialises it with an all-zero key, which replaces both, and wipes
 * the copy of the real key the JDK was given (it asks the key object for one, and this class hands it over and
 * keeps track of it).
 *
 * <p>Not thread-safe: one thread uses it at a time (a data key lends it to a sealing thread; the decryptor keeps
 * one per thread).
 */
@API(status = INTERNAL, since = "0.1.0")
public final class KeyedCipher {

    private static final int TAG_BITS = 128;
    private static final byte[] ZERO_KEY = new byte[32];
    private static final GCMParameterSpec ZERO_NONCE = new GCMParameterSpec(TAG_BITS, new byte[12]);

    private final Cipher cipher;
    private HandedKey handed = new HandedKey(ZERO_KEY);

    /** Creates an AES/GCM/NoPadding cipher of the JVM's first provider that has one. */
    public KeyedCipher() {
        this(null);
    }

    /**
     * Creates an AES/GCM/NoPadding cipher of {@code provider}.
     *
     * @param provider the provider, or {@code null} for the JVM's first that has one
     */
    public KeyedCipher(java.security.@org.jspecify.annotations.Nullable Provider provider) {
        try {
            this.cipher = provider == null
                    ? Cipher.getInstance("AES/GCM/NoPadding")
                    : Cipher.getInstance("AES/GCM/NoPadding", provider);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-256-GCM is not available in this JVM", e);
        }
    }

    /**
     * Initialises the cipher with {@code key}; the copy the JDK takes is wiped by the next initialisation or by
     * {@link #forget()}.
     *
     * @param mode {@link Cipher#ENCRYPT_MODE} or {@link Cipher#DECRYPT_MODE}
     * @param key the 32 key bytes; not kept
     * @param nonce the array holding the nonce
     * @param nonceOffset where the nonce starts
     * @param nonceLength its length
     * @return the initialised cipher, for {@code updateAAD} and {@code doFinal}
     * @throws GeneralSecurityException if the JDK refuses the key or nonce
     */
    public Cipher init(int mode, byte[] key, byte[] nonce, int nonceOffset, int nonceLength)
            throws GeneralSecurityException {
        handed.wipeCopy();
        // A new key object each time: a provider may cache what it derived from a key by the object's identity
        // (Amazon Corretto Crypto Provider does), and one object for every key would seal with a stale key.
        handed = new HandedKey(key);
        try {
            cipher.init(mode, handed, new GCMParameterSpec(TAG_BITS, nonce, nonceOffset, nonceLength));
        } finally {
            handed.source = ZERO_KEY;
        }
        return cipher;
    }

    /**
     * Replaces the key the cipher holds with an all-zero key and wipes the copy of the real key it was handed.
     * Afterwards the cipher can be initialised again.
     */
    public void forget() {
        handed.wipeCopy();
        handed = new HandedKey(ZERO_KEY);
        try {
            // Decryption mode: the JDK refuses a repeated key and nonce only for encryption, so a constant nonce
            // serves, and no random bytes are drawn.
            cipher.init(Cipher.DECRYPT_MODE, handed, ZERO_NONCE);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("re-initialising AES-GCM with a zero key failed", e);
        }
    }

    /** The key object given to the JDK: hands out a copy of the current source and remembers it. */
    private static final class HandedKey implements SecretKey {
        private static final long serialVersionUID = 1L;

        private byte[] source;
        private byte[] copy = new byte[0];

        HandedKey(byte[] source) {
            this.source = source;
        }

        @Override
        public String getAlgorithm() {
            return "AES";
        }

        @Override
        public String getFormat() {
            return "RAW";
        }

        @Override
        public byte[] getEncoded() {
            wipeCopy();
            copy = source.clone();
            return copy;
        }

        void wipeCopy() {
            Arrays.fill(copy, (byte) 0);
        }

        private void writeObject(ObjectOutputStream out) throws NotSerializableException {
            throw new NotSerializableException("keys are never serialized");
        }
    }
}
