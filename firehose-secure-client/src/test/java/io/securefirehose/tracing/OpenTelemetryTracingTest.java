package io.securefirehose.tracing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.testkit.Fault;
import io.securefirehose.testkit.LocalFirehose;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link OpenTelemetryTracing} with the OpenTelemetry SDK's in-memory exporter, against a local Firehose: one span
 * per {@code PutRecordBatch} call and none per record, linked to the spans its records were sent in (bounded), with
 * the RPC and Firehose attributes, the request id, and an error status for a call that failed.
 */
class OpenTelemetryTracingTest {

    private static final String STREAM = "orders";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
    private final OpenTelemetrySdk openTelemetry = OpenTelemetrySdk.builder()
            .setTracerProvider(SdkTracerProvider.builder()
                    .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                    .build())
            .build();
    private final Tracer application = openTelemetry.getTracer("the-application");

    @AfterEach
    void shutDown() {
        openTelemetry.close();
    }

    private SecureFirehoseProducer producer(LocalFirehose server, UnaryOperator<ProducerBuilder> settings) {
        SecureFirehoseProducer producer = settings.apply(TestResources.producerFor(server, STREAM)
                        .linger(Duration.ofMinutes(1))
                        .tracing(OpenTelemetryTracing.of(openTelemetry)))
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    // The scope only has to be open while send runs.
    @SuppressWarnings("try")
    private CompletableFuture<RecordReceipt> sendIn(Span parent, SecureFirehoseProducer producer, String text) {
        try (Scope ignored = parent.makeCurrent()) {
            return producer.send(text.getBytes(UTF_8));
        }
    }

    private List<SpanData> callSpans() {
        return exporter.getFinishedSpanItems().stream()
                .filter(span -> span.getInstrumentationScopeInfo().getName().equals("io.securefirehose"))
                .toList();
    }

    private static List<SpanContext> linked(SpanData span) {
        return span.getLinks().stream().map(LinkData::getSpanContext).toList();
    }

    @Test
    void aCallIsOneSpanLinkedToTheSpansItsRecordsWereSentIn() {
        LocalFirehose server = resources.add(LocalFirehose.start(STREAM));
        SecureFirehoseProducer producer = producer(server, b -> b);
        Span orderPlaced = application.spanBuilder("order placed").startSpan();
        Span orderPaid = application.spanBuilder("order paid").startSpan();

        sendIn(orderPlaced, producer, "placed-1");
        sendIn(orderPlaced, producer, "placed-2");
        sendIn(orderPaid, producer, "paid-1");
        producer.send("untraced".getBytes(UTF_8));
        producer.flush();
        orderPlaced.end();
        orderPaid.end();

        assertThat(callSpans()).singleElement().satisfies(call -> {
            assertThat(call.getName()).isEqualTo("Firehose.PutRecordBatch");
            assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
            assertThat(call.getParentSpanContext().isValid())
                    .as("a batch has no single parent")
                    .isFalse();
            assertThat(linked(call)).containsExactly(orderPlaced.getSpanContext(), orderPaid.getSpanContext());
            assertThat(call.getAttributes().get(OpenTelemetryTracing.RPC_SYSTEM))
                    .isEqualTo("aws-api");
            assertThat(call.getAttributes().get(OpenTelemetryTracing.RPC_SERVICE))
                    .isEqualTo("Firehose");
            assertThat(call.getAttributes().get(OpenTelemetryTracing.RPC_METHOD))
                    .isEqualTo("PutRecordBatch");
            assertThat(call.getAttributes().get(OpenTelemetryTracing.AWS_REQUEST_ID))
                    .isNotBlank();
            assertThat(call.getAttributes().get(OpenTelemetryTracing.STREAM)).isEqualTo(STREAM);
            assertThat(call.getAttributes().get(OpenTelemetryTracing.RECORDS)).isEqualTo(4L);
            assertThat(call.getAttributes().get(OpenTelemetryTracing.BYTES))
                    .isEqualTo((long) "placed-1placed-2paid-1untraced".length());
            assertThat(call.getAttributes().get(OpenTelemetryTracing.ATTEMPT)).isEqualTo(1L);
            assertThat(call.getAttributes().get(OpenTelemetryTracing.OUTCOME)).isEqualTo("success");
            assertThat(call.getAttributes().get(OpenTelemetryTracing.ACCEPTED)).isEqualTo(4L);
            assertThat(call.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        });
    }

    @Test
    void aFailedCallIsAnErrorSpanAndItsRetryASecondSpanWithTheSameLinks() {
        LocalFirehose server = resources.add(LocalFirehose.start(STREAM));
        server.enqueueFaults(Fault.serverError());
        SecureFirehoseProducer producer = producer(server, b -> b);
        Span checkout = application.spanBuilder("checkout").startSpan();

        CompletableFuture<RecordReceipt> record = sendIn(checkout, producer, "retried");
        producer.flush();
        checkout.end();

        assertThat(record.join().attempts()).isEqualTo(2);
        List<SpanData> calls = callSpans();
        assertThat(calls).hasSize(2);
        assertThat(calls.get(0).getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(calls.get(0).getAttributes().get(OpenTelemetryTracing.OUTCOME))
                .isEqualTo("retriable_error");
        assertThat(calls.get(0).getEvents())
                .anySatisfy(event -> assertThat(event.getName()).isEqualTo("exception"));
        assertThat(calls.get(1).getAttributes().get(OpenTelemetryTracing.ATTEMPT))
                .isEqualTo(2L);
        assertThat(calls.get(1).getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
        assertThat(calls).allSatisfy(call -> assertThat(linked(call)).containsExactly(checkout.getSpanContext()));
    }

    @Test
    void aCallLinksAtMostTheBoundOfItsRecordsContexts() {
        LocalFirehose server = resources.add(LocalFirehose.start(STREAM));
        SecureFirehoseProducer producer = producer(server, b -> b);
        List<SpanContext> senders = new ArrayList<>();
        for (int i = 0; i < ProducerTracing.MAX_LINKS_PER_CALL + 8; i++) {
            Span sender = application.spanBuilder("request " + i).startSpan();
            sendIn(sender, producer, "record-" + i);
            sender.end();
            senders.add(sender.getSpanContext());
        }
        producer.flush();

        assertThat(callSpans())
                .singleElement()
                .satisfies(call -> assertThat(linked(call))
                        .containsExactlyElementsOf(senders.subList(0, ProducerTracing.MAX_LINKS_PER_CALL)));
    }

    @Test
    void withoutTracingNoSpanIsMade() {
        LocalFirehose server = resources.add(LocalFirehose.start(STREAM));
        SecureFirehoseProducer producer =
                TestResources.producerFor(server, STREAM).linger(Duration.ZERO).build();
        resources.add(() -> producer.close(Duration.ZERO));
        Span request = application.spanBuilder("request").startSpan();

        sendIn(request, producer, "untraced").join();
        request.end();

        assertThat(callSpans()).isEmpty();
    }
}
