package io.securefirehose.benchmarks.micro;

import io.securefirehose.internal.crypto.DataKeySource;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/** Hands out data keys at once, as a KMS that is never slow would; for benchmarks, which measure the client. */
final class InMemoryDataKeys implements DataKeySource, io.securefirehose.crypto.DataKeyDecrypter {

    private final SplittableRandom random = new SplittableRandom(1);
    private final java.util.Map<java.nio.ByteBuffer, byte[]> issued = new java.util.concurrent.ConcurrentHashMap<>();

    @Override
    public synchronized CompletableFuture<Generated> generate() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] blob = new byte[184];
        random.nextBytes(blob);
        issued.put(java.nio.ByteBuffer.wrap(blob.clone()), key.clone());
        return CompletableFuture.completedFuture(
                new Generated(key, blob, "arn:aws:kms:us-east-1:111122223333:key/bench"));
    }

    @Override
    public byte[] decrypt(byte[] encryptedDataKey, java.util.Map<String, String> encryptionContext) {
        return issued.get(java.nio.ByteBuffer.wrap(encryptedDataKey)).clone();
    }

    @Override
    public void close() {}
}
