package io.securefirehose.samples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.RecordTooLargeException;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.transport.TrustMaterial;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A small service that accepts events over HTTP and ships them to Firehose, the way a producer service would:
 *
 * <ul>
 *   <li>{@code POST /events}: the body is one record. The answer waits for Firehose: {@code 200} with the record's
 *       id once acknowledged, {@code 413} if too large, {@code 503} (with {@code Retry-After}) when the buffer is
 *       full, {@code 502} if delivery failed. The request thread never blocks on Firehose: the answer is written
 *       from the record's future.
 *   <li>{@code GET /metrics}: the producer's meters in Prometheus text format.
 *   <li>Graceful shutdown (SIGTERM, Ctrl-C, or {@link #close()}): new requests are refused with 503, then the
 *       producer closes, which delivers what was accepted and completes every future, so every accepted event
 *       gets its answer before the HTTP server stops.
 * </ul>
 *
 * <p>Runs against an embedded {@link LocalFirehose}. {@code --demo-events N} posts N events to itself, prints the
 * metrics, shuts down and exits; without it the service runs until stopped.
 *
 * <pre>
 * EventService [--port N] [--demo-events N]
 * </pre>
 */
public final class EventService implements AutoCloseable {

    private static final String STREAM = "events";

    private final LocalFirehose firehose;
    private final SecureFirehoseProducer producer;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HttpServer http;
    private final ExecutorService requestThreads = Executors.newFixedThreadPool(4);
    private final AtomicBoolean closed = new AtomicBoolean();

    EventService(int port) throws IOException {
        this.firehose = LocalFirehose.builder().stream(STREAM).start();
        this.producer = SecureFirehoseProducer.builder()
                .deliveryStream(STREAM)
                .region(firehose.region())
                .endpoint(firehose.endpoint())
                .credentialsProvider(firehose.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(firehose.trustPem()))
                .maxBlock(Duration.ZERO) // a full buffer answers 503 at once instead of holding request threads
                .build();
        producer.metrics().bindTo(registry);
        this.http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        http.createContext("/events", this::event);
        http.createContext("/metrics", this::metrics);
        http.setExecutor(requestThreads);
        http.start();
    }

    /** @return where the service listens */
    URI address() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    LocalFirehose firehose() {
        return firehose;
    }

    /**
     * Runs the service.
     *
     * @param args see the class description
     */
    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws Exception {
        int port = 8080;
        int demoEvents = 0;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--demo-events" -> demoEvents = Integer.parseInt(args[i + 1]);
                default -> {
                    out.println("unknown flag " + args[i] + "; usage: EventService [--port N] [--demo-events N]");
                    return 2;
                }
            }
        }
        EventService service = new EventService(port);
        out.println("event service on " + service.address() + " (POST /events, GET /metrics), sending to "
                + service.firehose.endpoint());
        if (demoEvents == 0) {
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                service.close();
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }
        int ok = service.demo(demoEvents);
        String metrics = service.scrape();
        service.close();
        long stored = service.firehose.acceptedRecordCount(STREAM);
        out.println("demo: " + ok + " of " + demoEvents + " events answered 200; Firehose stored " + stored);
        metrics.lines()
                .filter(l -> l.startsWith("firehose_producer_records_sent_records_total")
                        || l.startsWith("firehose_producer_requests_requests_total"))
                .forEach(l -> out.println("  " + l));
        return ok == demoEvents && stored == demoEvents ? 0 : 1;
    }

    /** Posts events to the service concurrently, as clients would; returns how many were answered 200. */
    int demo(int events) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            HttpRequest request = HttpRequest.newBuilder(address().resolve("/events"))
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"event\":" + i + "}\n"))
                    .build();
            answers.add(client.sendAsync(request, HttpResponse.BodyHandlers.ofString()));
        }
        int ok = 0;
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            if (answer.join().statusCode() == 200) {
                ok++;
            }
        }
        return ok;
    }

    String scrape() {
        return registry.scrape();
    }

    // The answer is written by the future's callback; the future returned by whenComplete has nothing to add.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void event(HttpExchange exchange) throws IOException {
        if (closed.get()) {
            answer(exchange, 503, "shutting down\n");
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            answer(exchange, 405, "POST an event\n");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(1_100_000);
        }
        try {
            // Answered from the record's future: no request thread waits for Firehose.
            producer.send(body).whenComplete((receipt, error) -> {
                if (error == null) {
                    answer(exchange, 200, receipt.recordId() + "\n");
                } else {
                    answer(exchange, 502, "not delivered: " + error.getMessage() + "\n");
                }
            });
        } catch (RecordTooLargeException e) {
            answer(exchange, 413, e.getMessage() + "\n");
        } catch (BufferExhaustedException e) {
            exchange.getResponseHeaders().add("Retry-After", "1");
            answer(exchange, 503, "busy, retry later\n");
        } catch (IllegalStateException closing) {
            answer(exchange, 503, "shutting down\n");
        }
    }

    private void metrics(HttpExchange exchange) {
        exchange.getResponseHeaders().add("Content-Type", "text/plain; version=0.0.4");
        answer(exchange, 200, registry.scrape());
    }

    private static void answer(HttpExchange exchange, int status, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        try (OutputStream out = exchange.getResponseBody()) {
            exchange.sendResponseHeaders(status, bytes.length);
            out.write(bytes);
        } catch (IOException e) {
            // The client went away; nothing else to tell it.
        }
    }

    /**
     * Shuts down without losing an accepted event: new requests are answered 503 from now on; closing the producer
     * delivers everything accepted and answers each of those requests from its future; only then does the HTTP
     * server stop, and the embedded Firehose after it. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        producer.close();
        http.stop(1);
        requestThreads.shutdown();
        try {
            requestThreads.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        firehose.close();
    }
}
