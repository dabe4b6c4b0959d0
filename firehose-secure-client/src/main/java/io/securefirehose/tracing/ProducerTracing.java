package io.securefirehose.tracing;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.listener.CallOutcome;
import java.util.List;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * How a producer traces its {@code PutRecordBatch} calls, set with {@link
 * io.securefirehose.ProducerBuilder#tracing(ProducerTracing)}. Get one from {@link OpenTelemetryTracing#of}; this
 * type names no tracing library, so the producer loads none unless tracing is asked for.
 *
 * <p>Its methods are the producer's hooks, not for applications to call: {@link #sendContext()} runs on the thread
 * that calls {@code send}, once per record, and must be cheap; {@link #callStarted} runs on the producer's sender
 * thread once per call; {@link Call#finished} on the thread that completes the call (a Netty I/O thread). None may
 * block.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public abstract class ProducerTracing {

    /** Send-time contexts linked from one call's span, at most; the rest of a call's records are not linked. */
    public static final int MAX_LINKS_PER_CALL = 32;

    /** Only the SDK's own implementations. */
    ProducerTracing() {}

    /**
     * The context a record is sent in, to link from the span of the call that carries it: an opaque value, or
     * {@code null} when there is nothing to link.
     *
     * @return the current context's span identity, or {@code null}
     */
    @API(status = INTERNAL, since = "0.1.0")
    public abstract @Nullable Object sendContext();

    /**
     * A call is about to be written.
     *
     * @param deliveryStream the producer's stream
     * @param records how many records it carries
     * @param bytes their bytes, before base64
     * @param attempt the highest attempt among its records
     * @param links distinct values of {@link #sendContext()} of its records, at most {@link #MAX_LINKS_PER_CALL}
     * @return the call's span, ended by {@link Call#finished}
     */
    @API(status = INTERNAL, since = "0.1.0")
    public abstract Call callStarted(String deliveryStream, int records, long bytes, int attempt, List<Object> links);

    /** One call's span. */
    @API(status = INTERNAL, since = "0.1.0")
    public interface Call {
        /**
         * Ends the span with the call's outcome.
         *
         * @param outcome how the call ended
         * @param acceptedRecords how many records Firehose accepted
         * @param errorCode the call's or first refused record's error code, or {@code null}
         * @param requestId the {@code x-amzn-RequestId} of the answer, or {@code null} without one
         * @param error the failure when the call failed as a whole, else {@code null}
         */
        void finished(
                CallOutcome outcome,
                int acceptedRecords,
                @Nullable String errorCode,
                @Nullable String requestId,
                @Nullable Throwable error);
    }
}
