package io.securefirehose.benchmarks.micro;

import io.securefirehose.crypto.DataKeyDecrypter;
import io.securefirehose.internal.crypto.DataKeySource;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** Hands out data keys at once, as a KMS that is never slow would; for benchmarks, which measure the client. */
final class InMemoryDataKeys implements DataKeySource, DataKeyDecrypter {

    private final SplittableRandom random = new SplittableRandom(1);
    private final Map<ByteBuffer, byte[]> issued = new ConcurrentHashMap<>();

    @Override
    public synchronized CompletableFuture<Generated> generate() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] blob = new byte[184];
        random.nextBytes(blob);
        issued.put(ByteBuffer.wrap(blob.clone()), key.clone());
        return CompletableFuture.completedFuture(
                new Generated(key, blob, "arn:aws:kms:us-east-1:111122223333:key/bench"));
    }

    @Override
    public byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        return issued.get(ByteBuffer.wrap(encryptedDataKey)).clone();
    }

    @Override
    public void close() {}
}
