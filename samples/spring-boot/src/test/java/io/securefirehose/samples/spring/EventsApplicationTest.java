package io.securefirehose.samples.spring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.testkit.LocalFirehose;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** The sample service over HTTP on a random port, sending to an embedded {@link LocalFirehose}. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "server.address=127.0.0.1")
class EventsApplicationTest {

    private static final LocalFirehose LOCAL = EventsApplication.startLocal();

    @DynamicPropertySource
    static void local(DynamicPropertyRegistry registry) throws Exception {
        EventsApplication.localProperties(LOCAL).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stop() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        LOCAL.close();
    }

    @LocalServerPort
    int port;

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private HttpResponse<String> call(HttpRequest.Builder request, String path) throws Exception {
        return http.send(
                request.uri(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(30))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void anEventPostedIsStoredAndTheMetricsAndHealthShowIt() throws Exception {
        HttpResponse<String> posted =
                call(HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofString("{\"user\":42}")), "/events");

        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        assertThat(LOCAL.records("events")).singleElement().satisfies(stored -> {
            assertThat(stored.recordId()).isEqualTo(posted.body().strip());
            assertThat(new String(stored.data(), UTF_8)).isEqualTo("{\"user\":42}");
        });
        assertThat(call(HttpRequest.newBuilder().GET(), "/actuator/prometheus").body())
                .contains("firehose_producer_records_sent_records_total{stream=\"events\"} 1.0");
        HttpResponse<String> health = call(HttpRequest.newBuilder().GET(), "/actuator/health");
        assertThat(health.body())
                .contains("\"sse-customer-managed-key\":\"PASS\"")
                .containsPattern("\"firehose\":\\{\"details\":\\{.*?\\}\\},\"status\":\"UP\"");
    }

    @Test
    void anEventOverFirehosesLimitIsRefusedWith413() throws Exception {
        HttpResponse<String> posted = call(
                HttpRequest.newBuilder().POST(HttpRequest.BodyPublishers.ofByteArray(new byte[1_024_001])), "/events");

        assertThat(posted.statusCode()).isEqualTo(413);
        assertThat(posted.body()).contains("1024000");
    }
}
