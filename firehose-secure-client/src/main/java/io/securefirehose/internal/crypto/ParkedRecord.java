package io.securefirehose.internal.crypto;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.RecordReceipt;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;

/** A record waiting for a data key. Its future is the one {@code send} returned. */
@API(status = INTERNAL, since = "0.1.0")
public final class ParkedRecord {
    final byte[] plaintext;
    public final long bufferBytes;
    public final long enqueuedNanos;
    public final long deadlineNanos;
    public final CompletableFuture<RecordReceipt> future;
    /** Completes when the record left the queue: sealed and appended, or failed. */
    final CompletableFuture<Void> left = new CompletableFuture<>();

    public ParkedRecord(
            byte[] plaintext,
            long bufferBytes,
            long enqueuedNanos,
            long deadlineNanos,
            CompletableFuture<RecordReceipt> future) {
        this.future = future;
        this.plaintext = plaintext;
        this.bufferBytes = bufferBytes;
        this.enqueuedNanos = enqueuedNanos;
        this.deadlineNanos = deadlineNanos;
    }
}
