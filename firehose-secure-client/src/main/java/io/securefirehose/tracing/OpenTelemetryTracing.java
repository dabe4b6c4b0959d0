package io.securefirehose.tracing;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.securefirehose.listener.CallOutcome;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Traces a producer with OpenTelemetry: one span per {@code PutRecordBatch} call (kind {@code CLIENT}, named {@code
 * Firehose.PutRecordBatch}), never one per record, linked to the spans records were sent in (at most {@link
 * ProducerTracing#MAX_LINKS_PER_CALL} per call). Attributes: {@code rpc.system=aws-api}, {@code rpc.service=Firehose},
 * {@code rpc.method=PutRecordBatch}, {@code aws.request_id}, and {@code firehose.delivery_stream}, {@code
 * firehose.records}, {@code firehose.bytes}, {@code firehose.attempt}, {@code firehose.outcome}, {@code
 * firehose.accepted_records}, {@code firehose.error_code}. A call that failed as a whole, or whose records were all
 * refused, has status {@code ERROR}. Needs {@code io.opentelemetry:opentelemetry-api} on the class path (an optional
 * dependency of this SDK) and an OpenTelemetry SDK or agent for spans to go anywhere. Thread-safe.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public final class OpenTelemetryTracing extends ProducerTracing {

    /** The instrumentation scope of the spans. */
    public static final String INSTRUMENTATION_SCOPE = "io.securefirehose";

    static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
    static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
    static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
    static final AttributeKey<String> AWS_REQUEST_ID = AttributeKey.stringKey("aws.request_id");
    static final AttributeKey<String> STREAM = AttributeKey.stringKey("firehose.delivery_stream");
    static final AttributeKey<Long> RECORDS = AttributeKey.longKey("firehose.records");
    static final AttributeKey<Long> BYTES = AttributeKey.longKey("firehose.bytes");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("firehose.attempt");
    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("firehose.outcome");
    static final AttributeKey<Long> ACCEPTED = AttributeKey.longKey("firehose.accepted_records");
    static final AttributeKey<String> ERROR_CODE = AttributeKey.stringKey("firehose.error_code");

    private final Tracer tracer;

    private OpenTelemetryTracing(Tracer tracer) {
        this.tracer = tracer;
    }

    /**
     * Traces with {@code openTelemetry}'s tracer for {@link #INSTRUMENTATION_SCOPE}.
     *
     * @param openTelemetry the application's OpenTelemetry (for example {@code GlobalOpenTelemetry.get()})
     * @return tracing for {@link io.securefirehose.ProducerBuilder#tracing(ProducerTracing)}
     */
    public static ProducerTracing of(OpenTelemetry openTelemetry) {
        Objects.requireNonNull(openTelemetry, "openTelemetry must not be null");
        return new OpenTelemetryTracing(openTelemetry.getTracer(INSTRUMENTATION_SCOPE));
    }

    @Override
    public @Nullable Object sendContext() {
        SpanContext current = Span.current().getSpanContext();
        return current.isValid() ? current : null;
    }

    @Override
    public Call callStarted(String deliveryStream, int records, long bytes, int attempt, List<Object> links) {
        SpanBuilder builder = tracer.spanBuilder("Firehose.PutRecordBatch")
                .setSpanKind(SpanKind.CLIENT)
                .setNoParent()
                .setAttribute(RPC_SYSTEM, "aws-api")
                .setAttribute(RPC_SERVICE, "Firehose")
                .setAttribute(RPC_METHOD, "PutRecordBatch")
                .setAttribute(STREAM, deliveryStream)
                .setAttribute(RECORDS, (long) records)
                .setAttribute(BYTES, bytes)
                .setAttribute(ATTEMPT, (long) attempt);
        for (Object link : links) {
            if (link instanceof SpanContext context) {
                builder.addLink(context);
            }
        }
        Span span = builder.startSpan();
        return (outcome, accepted, errorCode, requestId, error) ->
                end(span, outcome, accepted, errorCode, requestId, error);
    }

    private static void end(
            Span span,
            CallOutcome outcome,
            int accepted,
            @Nullable String errorCode,
            @Nullable String requestId,
            @Nullable Throwable error) {
        span.setAttribute(OUTCOME, outcome.tag());
        span.setAttribute(ACCEPTED, (long) accepted);
        if (requestId != null) {
            span.setAttribute(AWS_REQUEST_ID, requestId);
        }
        if (errorCode != null) {
            span.setAttribute(ERROR_CODE, errorCode);
        }
        if (error != null) {
            span.recordException(error);
        }
        if (outcome != CallOutcome.SUCCESS && accepted == 0) {
            span.setStatus(StatusCode.ERROR, errorCode == null ? outcome.tag() : errorCode);
        }
        span.end();
    }
}
