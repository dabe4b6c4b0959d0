package io.securefirehose.internal;

import java.util.concurrent.CompletableFuture;

/** Where the producer gets data keys from: KMS {@code GenerateDataKey} in production, a fake in some tests. */
interface DataKeySource extends AutoCloseable {

    /**
     * A plaintext data key and its KMS-encrypted form. The plaintext belongs to the receiver, which wipes it.
     * Never compared or hashed.
     */
    @SuppressWarnings("ArrayRecordComponent")
    record Generated(byte[] plaintext, byte[] encrypted, String keyArn) {
        @Override
        public String toString() {
            return "Generated[" + keyArn + "]";
        }
    }

    /**
     * Asks for a new data key. May complete on any thread.
     *
     * @return the key, or the failure (typed where the connection was refused)
     */
    CompletableFuture<Generated> generate();

    @Override
    void close();
}
