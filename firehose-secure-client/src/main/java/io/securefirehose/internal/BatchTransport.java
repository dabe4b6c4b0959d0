package io.securefirehose.internal;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one {@code PutRecordBatch} call. The seam between the producer's bookkeeping and the wire: the SDK client
 * today, other implementations (a leaner marshaller, an in-memory fake in tests) behind the same contract.
 *
 * <p>{@link #send} must not block; the future may complete on any thread, exceptionally for any failure of the
 * whole call. Per-record outcomes go into the {@link BatchResponse}.
 */
interface BatchTransport extends AutoCloseable {

    /**
     * Starts one call carrying {@code records}, in this order.
     *
     * @param records raw record bytes, at most the batch limits
     * @return the call's outcome
     */
    CompletableFuture<BatchResponse> send(List<byte[]> records);

    /** Releases connections and threads. Calls still under way fail. */
    @Override
    void close();
}
