package io.securefirehose.internal.producer;

import io.securefirehose.crypto.DataKeyDecrypter;
import io.securefirehose.internal.crypto.DataKeySource;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;

/**
 * Data keys for tests: answers at once unless told to hold calls or to fail them, remembers every key it handed
 * out (the very arrays, so a test can see them wiped), and decrypts its own blobs like KMS would.
 */
final class FakeDataKeySource implements DataKeySource, DataKeyDecrypter {

    private final SplittableRandom random = new SplittableRandom(7);
    private final Queue<Throwable> scriptedFailures = new ArrayDeque<>();
    private final List<CompletableFuture<Generated>> held = new ArrayList<>();
    private final List<byte[]> handedOut = new ArrayList<>();
    private final Map<ByteBuffer, byte[]> copies = new HashMap<>();
    private boolean holdCalls;
    private int calls;
    private boolean closed;

    synchronized FakeDataKeySource holdCalls(boolean hold) {
        this.holdCalls = hold;
        return this;
    }

    synchronized FakeDataKeySource failNext(Throwable... failures) {
        scriptedFailures.addAll(Arrays.asList(failures));
        return this;
    }

    @Override
    public synchronized CompletableFuture<Generated> generate() {
        calls++;
        Throwable failure = scriptedFailures.poll();
        if (failure != null) {
            return CompletableFuture.failedFuture(failure);
        }
        if (holdCalls) {
            CompletableFuture<Generated> pending = new CompletableFuture<>();
            held.add(pending);
            return pending;
        }
        return CompletableFuture.completedFuture(newKey());
    }

    /** Answers every held call with a fresh key. */
    synchronized void answerHeld() {
        for (CompletableFuture<Generated> pending : held) {
            pending.complete(newKey());
        }
        held.clear();
    }

    private Generated newKey() {
        byte[] key = new byte[32];
        random.nextBytes(key);
        byte[] blob = ("blob-" + handedOut.size()).getBytes(StandardCharsets.US_ASCII);
        handedOut.add(key);
        copies.put(ByteBuffer.wrap(blob), key.clone());
        return new Generated(key, blob, "arn:aws:kms:eu-west-1:111122223333:key/test");
    }

    synchronized int calls() {
        return calls;
    }

    /** @return the key arrays exactly as handed to the producer */
    synchronized List<byte[]> handedOut() {
        return List.copyOf(handedOut);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    @Override
    public synchronized byte[] decrypt(byte[] encryptedDataKey, Map<String, String> encryptionContext) {
        byte[] key = copies.get(ByteBuffer.wrap(encryptedDataKey));
        if (key == null) {
            throw new IllegalArgumentException("unknown data key");
        }
        return key.clone();
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
