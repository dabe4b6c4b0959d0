package io.securefirehose.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encrypted producer and the event service, run as their documented commands run them. */
class SamplesTest {

    @Test
    void theEncryptedProducerGetsEveryRecordBackFromTheDeliveredObjects(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = EncryptedProducer.run(
                new String[] {"--records", "2000", "--output-dir", dir.toString()},
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String report = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(report).isZero();
        assertThat(report)
                .contains("records sent:       2000")
                .contains("KMS data keys:      1 (GenerateDataKey calls)")
                .contains("a stored record:    46485345")
                .contains("decrypted records:  2000 with 1 KMS Decrypt call(s)")
                .contains("every record came back");
    }

    @Test
    void theEventServiceAnswersEveryAcceptedEventAndLosesNothingOnShutdown() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int exit = EventService.run(
                new String[] {"--port", "0", "--demo-events", "300"},
                new PrintStream(printed, true, StandardCharsets.UTF_8));
        String report = printed.toString(StandardCharsets.UTF_8);
        assertThat(exit).as(report).isZero();
        assertThat(report)
                .contains("demo: 300 of 300 events answered 200; Firehose stored 300")
                .contains("firehose_producer_records_sent_records_total{stream=\"events\"} 300.0");
    }

    @Test
    void shuttingDownWhileEventsArriveAnswersEachAndStoresExactlyThoseAccepted() {
        EventService service;
        try {
            service = new EventService(0);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        HttpClient client = HttpClient.newBuilder().build();
        java.util.List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> answers =
                new java.util.ArrayList<>();
        for (int i = 0; i < 200; i++) {
            answers.add(client.sendAsync(
                    HttpRequest.newBuilder(service.address().resolve("/events"))
                            .POST(HttpRequest.BodyPublishers.ofString("{\"event\":" + i + "}\n"))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        service.close();
        java.util.Set<String> answered200 = new java.util.HashSet<>();
        for (int i = 0; i < answers.size(); i++) {
            try {
                int status = answers.get(i).join().statusCode();
                if (status == 200) {
                    answered200.add("{\"event\":" + i + "}\n");
                } else {
                    assertThat(status).as("event %d", i).isEqualTo(503);
                }
            } catch (java.util.concurrent.CompletionException connectionClosed) {
                // Not accepted: the server had stopped before this request was read.
            }
        }
        java.util.List<String> stored = service.firehose().records("events").stream()
                .map(r -> new String(r.data(), java.nio.charset.StandardCharsets.UTF_8))
                .toList();
        assertThat(stored)
                .as("exactly the events answered 200 are stored, each once")
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(answered200);
    }

    @Test
    void theEventServiceRefusesWhatFirehoseCannotTakeAndExposesMetrics() throws Exception {
        try (EventService service = new EventService(0)) {
            HttpClient client = HttpClient.newHttpClient();
            HttpResponse<String> tooLarge = client.send(
                    HttpRequest.newBuilder(service.address().resolve("/events"))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1_024_001]))
                            .timeout(Duration.ofSeconds(30))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(tooLarge.statusCode()).isEqualTo(413);
            assertThat(tooLarge.body()).contains("1024001 bytes");
            HttpResponse<String> get = client.send(
                    HttpRequest.newBuilder(service.address().resolve("/events"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(405);
            HttpResponse<String> metrics = client.send(
                    HttpRequest.newBuilder(service.address().resolve("/metrics"))
                            .GET()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("firehose_producer_buffered_bytes");
        }
    }
}
