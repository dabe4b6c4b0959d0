package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;

/**
 * Sends one {@code PutRecordBatch} call. The seam between the producer's bookkeeping and the wire: the lean path
 * ({@link LeanBatchTransport}, the default: its own body writer and SigV4 signature over its own HTTP/1.1 connections),
 * the SDK client path ({@link SdkBatchTransport}), and in-memory fakes in tests, all behind the same contract.
 *
 * <p>{@link #send} must not block; the future may complete on any thread, exceptionally for any failure of the
 * whole call. Per-record outcomes go into the {@link BatchResponse}.
 */
@API(status = INTERNAL, since = "0.1.0")
public interface BatchTransport extends AutoCloseable {

    /**
     * Starts one call carrying {@code records}, in this order. Reads every record's bytes before it returns: once it
     * has, a record may complete (a timeout) and its slab be reused while the call is still under way.
     *
     * @param records the records, at most the batch limits; not changed
     * @return the call's outcome
     */
    CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records);

    /** Releases connections and threads. Calls still under way fail. */
    @Override
    void close();
}
