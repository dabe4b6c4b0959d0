package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.tracing.ProducerTracing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A transport that wraps each call in a span of the producer's {@link ProducerTracing}: started before the call is
 * handed on, with links to the distinct send-time contexts of its records (at most {@link
 * ProducerTracing#MAX_LINKS_PER_CALL}), and ended with the call's {@link CallResult} before the sender sees the
 * outcome. Installed only when tracing is on; per call it reads each record's length, attempt and links once.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class TracingTransport implements BatchTransport {

    private final BatchTransport transport;
    private final ProducerTracing tracing;
    private final String deliveryStream;

    /**
     * @param transport the transport that makes the calls
     * @param tracing where spans are made
     * @param deliveryStream the producer's stream
     */
    public TracingTransport(BatchTransport transport, ProducerTracing tracing, String deliveryStream) {
        this.transport = transport;
        this.tracing = tracing;
        this.deliveryStream = deliveryStream;
    }

    @Override
    public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
        long bytes = 0;
        int attempt = 1;
        List<Object> links = new ArrayList<>();
        for (OutboundRecord record : records) {
            bytes += record.length();
            attempt = Math.max(attempt, record.attempts());
            addLinks(record.sendContexts(), links);
        }
        int count = records.size();
        ProducerTracing.Call span = tracing.callStarted(deliveryStream, count, bytes, attempt, links);
        CompletableFuture<BatchResponse> call;
        try {
            call = transport.send(records);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.whenComplete((answer, error) -> ended(span, count, answer, error));
    }

    private static void addLinks(@Nullable List<Object> contexts, List<Object> links) {
        if (contexts == null) {
            return;
        }
        for (Object context : contexts) {
            if (links.size() >= ProducerTracing.MAX_LINKS_PER_CALL) {
                return;
            }
            if (!links.contains(context)) {
                links.add(context);
            }
        }
    }

    /** Never throws: the stage the sender waits on must complete as the call did. */
    private static void ended(
            ProducerTracing.Call span, int count, @Nullable BatchResponse answer, @Nullable Throwable error) {
        try {
            CallResult result = CallResult.of(count, answer, error);
            span.finished(
                    result.outcome(),
                    result.acceptedRecords(),
                    result.errorCode(),
                    result.requestId(),
                    result.failure());
        } catch (RuntimeException e) {
            // A tracing library that throws must not change the call's outcome; the span is left unended.
        }
    }

    @Override
    public void close() {
        transport.close();
    }
}
