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
     * Starts one call carrying {@code records}, in this order. Reads every record's bytes before it returns: once it
     * has, a record may complete (a timeout) and its slab be reused while the call is still under way.
     *
     * @param records the records, at most the batch limits; not changed
     * @return the call's outcome
     */
    CompletableFuture<BatchResponse> send(List<PendingRecord> records);

    /** Releases connections and threads. Calls still under way fail. */
    @Override
    void close();
}
