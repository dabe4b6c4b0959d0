package io.securefirehose.internal.crypto;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;

/** Where the producer gets data keys from: KMS {@code GenerateDataKey} in production, a fake in some tests. */
@API(status = INTERNAL, since = "0.1.0")
public interface DataKeySource extends AutoCloseable {

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
