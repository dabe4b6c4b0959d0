package io.securefirehose.crypto;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * Turns the encrypted data key of a frame back into the data key: normally KMS {@code Decrypt}
 * ({@link KmsDataKeyDecrypter}). {@link EnvelopeDecryptor} calls it once per distinct data key and caches the
 * answer.
 *
 * <p>Implementations must be thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
@FunctionalInterface
public interface DataKeyDecrypter {

    /**
     * Decrypts one data key.
     *
     * @param encryptedDataKey the KMS ciphertext blob from the frame
     * @param encryptionContext the context from the frame, which KMS checks against the one used at generation
     * @return the 32-byte data key; the caller wipes it when done
     * @throws RuntimeException if the key cannot be decrypted; a {@link io.securefirehose.errors.FirehoseSecureException}
     *     tells by {@code isRetriable()} whether trying later may help
     */
    byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext);
}
