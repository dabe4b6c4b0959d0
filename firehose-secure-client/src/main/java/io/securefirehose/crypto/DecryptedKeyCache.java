package io.securefirehose.crypto;

import io.securefirehose.errors.DecryptionFailedException;
import io.securefirehose.errors.FirehoseSecureException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * The decryptor's cache of plaintext data keys, keyed by the encrypted key and its encryption context: at most
 * {@code maxCachedDataKeys}, least recently used evicted first and wiped, all wiped at {@link #close()}. Callers get
 * a copy of a key (another thread may evict and wipe the cached array while they decrypt). Thread-safe.
 */
final class DecryptedKeyCache {

    private final DataKeyDecrypter dataKeys;
    private final int maxCachedDataKeys;
    private final LinkedHashMap<ByteBuffer, byte[]> cache = new LinkedHashMap<>(16, 0.75f, true); // guarded by itself
    private long dataKeyDecryptions; // guarded by cache
    private boolean closed; // guarded by cache

    DecryptedKeyCache(DataKeyDecrypter dataKeys, int maxCachedDataKeys) {
        this.dataKeys = dataKeys;
        this.maxCachedDataKeys = maxCachedDataKeys;
    }

    /** How many data keys were decrypted (KMS calls) so far. */
    long decryptions() {
        synchronized (cache) {
            return dataKeyDecryptions;
        }
    }

    /** @return how many plaintext data keys the cache holds now */
    int cachedKeys() {
        synchronized (cache) {
            return cache.size();
        }
    }

    /** Wipes the cached keys; no key is handed out afterwards. Idempotent. */
    void close() {
        synchronized (cache) {
            closed = true;
            cache.values().forEach(key -> Arrays.fill(key, (byte) 0));
            cache.clear();
        }
    }

    /**
     * The plaintext data key for a frame: from the cache, or decrypted (a KMS call) and cached.
     *
     * @throws DecryptionFailedException if the key cannot be decrypted or has the wrong size
     * @throws IllegalStateException if the decryptor was closed
     */
    byte[] dataKey(byte[] encryptedKey, byte[] encodedContext, Map<String, String> context, long start) {
        ByteBuffer cacheKey = ByteBuffer.wrap(ByteBuffer.allocate(encryptedKey.length + encodedContext.length)
                .put(encryptedKey)
                .put(encodedContext)
                .array());
        synchronized (cache) {
            if (closed) {
                throw new IllegalStateException("the decryptor was closed");
            }
            byte[] cached = cache.get(cacheKey);
            if (cached != null) {
                // A copy: another thread may evict and wipe the cached array while this one decrypts.
                return cached.clone();
            }
        }
        byte[] key;
        try {
            key = dataKeys.decrypt(encryptedKey.clone(), context);
        } catch (RuntimeException e) {
            throw new DecryptionFailedException(
                    start, "the data key could not be decrypted: " + e.getMessage(), retriable(e), e);
        }
        if (key.length != EnvelopeFormat.DATA_KEY_BYTES) {
            Arrays.fill(key, (byte) 0);
            throw new DecryptionFailedException(
                    start,
                    "the data key is " + key.length + " bytes, not " + EnvelopeFormat.DATA_KEY_BYTES,
                    false,
                    null);
        }
        synchronized (cache) {
            dataKeyDecryptions++;
            if (closed) {
                // Closed while KMS answered: the key must not outlive close() in the cache.
                Arrays.fill(key, (byte) 0);
                throw new IllegalStateException("the decryptor was closed");
            }
            cache.put(cacheKey, key);
            if (cache.size() > maxCachedDataKeys) {
                var eldest = cache.entrySet().iterator();
                byte[] evicted = eldest.next().getValue();
                eldest.remove();
                Arrays.fill(evicted, (byte) 0);
            }
            return key.clone();
        }
    }

    private static boolean retriable(RuntimeException e) {
        if (e instanceof FirehoseSecureException secure) {
            return secure.isRetriable();
        }
        if (e instanceof AwsServiceException service) {
            return service.isThrottlingException() || service.statusCode() >= 500;
        }
        return !(e instanceof IllegalArgumentException);
    }
}
