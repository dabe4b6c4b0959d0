package io.securefirehose.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.tracing.OpenTelemetryTracing;
import io.securefirehose.tracing.ProducerTracing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The span of a call whose records come from several batches (a retry gathers them): its links are the union of
 * their send-time contexts, without repeats, and never more than the bound.
 */
class TracingTransportTest {

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();

    @AfterEach
    void shutDown() {
        openTelemetry.close();
    }

    private static SpanContext context(int i) {
        return SpanContext.create(
                String.format("%032x", i + 1),
                String.format("%016x", i + 1),
                TraceFlags.getSampled(),
                TraceState.getDefault());
    }

    /** A record of a batch whose records were sent in {@code contexts}. */
    private static OutboundRecord from(List<Object> contexts) {
        return new OutboundRecord() {
            @Override
            public int length() {
                return 1;
            }

            @Override
            public byte @Nullable [] data() {
                return new byte[] {1};
            }

            @Override
            public byte @Nullable [] encoded() {
                return null;
            }

            @Override
            public int encodedOffset() {
                return 0;
            }

            @Override
            public List<Object> sendContexts() {
                return contexts;
            }
        };
    }

    @Test
    void linksOfRecordsFromSeveralBatchesAreTheirDistinctContextsUpToTheBound() {
        List<Object> first = new ArrayList<>();
        List<Object> second = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            first.add(context(i));
            second.add(context(i + 20)); // ten of them are the first batch's last ten
        }
        BatchTransport answering = new BatchTransport() {
            @Override
            public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
                return CompletableFuture.completedFuture(
                        new BatchResponse(new String[] {"a", "b", "c"}, new String[3], true));
            }

            @Override
            public void close() {}
        };
        TracingTransport transport = new TracingTransport(answering, OpenTelemetryTracing.of(openTelemetry), "orders");

        transport.send(List.of(from(first), from(second), from(first))).join();

        SpanData call = exporter.getFinishedSpanItems().get(0);
        List<SpanContext> expected = new ArrayList<>();
        for (int i = 0; i < ProducerTracing.MAX_LINKS_PER_CALL; i++) {
            expected.add(context(i));
        }
        assertThat(call.getLinks()).extracting(link -> link.getSpanContext()).containsExactlyElementsOf(expected);
    }
}
