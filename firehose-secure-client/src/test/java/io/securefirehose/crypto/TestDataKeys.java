package io.securefirehose.crypto;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Data keys known to a test: what a KMS Decrypt would answer, with the calls counted. */
final class TestDataKeys implements DataKeyDecrypter {

    private final Map<ByteBuffer, byte[]> keys = new HashMap<>();
    private final Map<ByteBuffer, Map<String, String>> contexts = new HashMap<>();
    final AtomicInteger calls = new AtomicInteger();

    TestDataKeys add(byte[] encrypted, byte[] key, Map<String, String> context) {
        keys.put(ByteBuffer.wrap(encrypted.clone()), key.clone());
        contexts.put(ByteBuffer.wrap(encrypted.clone()), Map.copyOf(context));
        return this;
    }

    @Override
    public synchronized byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        calls.incrementAndGet();
        ByteBuffer id = ByteBuffer.wrap(encryptedDataKey);
        byte[] key = keys.get(id);
        // As KMS: the context must be the one the key was generated with.
        if (key == null || !encryptionContext.equals(contexts.get(id))) {
            throw new IllegalArgumentException("InvalidCiphertextException");
        }
        return key.clone();
    }
}
