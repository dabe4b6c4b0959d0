package io.securefirehose.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.testkit.internal.QuotaBuckets;
import org.junit.jupiter.api.Test;

class StreamQuotaTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void eachRateIsABucketOfOneSecondRefilledContinuously() {
        QuotaBuckets buckets = new QuotaBuckets(1_000, 10, 10_000, 0);
        assertThat(buckets.admit(500, 6_000, 0)).isNull();
        assertThat(buckets.admit(500, 5_000, 0)).as("4,000 bytes left").startsWith("bytes per second (10000)");
        assertThat(buckets.admit(500, 4_000, 0)).isNull();
        assertThat(buckets.admit(1, 0, 0)).as("records used up").startsWith("records per second (1000)");
        assertThat(buckets.admit(1, 1, SECOND / 1000))
                .as("1 record back after 1 ms")
                .isNull();
        assertThat(buckets.admit(1, 1, SECOND / 1000)).startsWith("records per second");
        assertThat(buckets.admit(500, 5_000, SECOND))
                .as("refilled, never beyond one second")
                .isNull();
    }

    @Test
    void refusedCallsUseNoQuotaAndRequestsAreCounted() {
        QuotaBuckets buckets = new QuotaBuckets(1_000_000, 2, 1_000_000, 0);
        assertThat(buckets.admit(1, 1, 0)).isNull();
        assertThat(buckets.admit(1, 1, 0)).isNull();
        assertThat(buckets.admit(1, 1, 0)).startsWith("requests per second (2)");
        assertThat(buckets.admit(1, 1, SECOND / 2))
                .as("one request back after half a second")
                .isNull();
    }

    @Test
    void aCallLargerThanOneSecondOfBytesPassesAloneOnAFullBucket() {
        QuotaBuckets buckets = new QuotaBuckets(1_000, 10, 1_000, 0);
        assertThat(buckets.admit(1, 4_000, 0)).isNull();
        assertThat(buckets.admit(1, 1, 0)).startsWith("bytes per second");
        assertThat(buckets.admit(1, 1, 3 * SECOND)).as("3,000 bytes owed").startsWith("bytes per second");
        assertThat(buckets.admit(1, 1, 4 * SECOND + 1)).isNull();
    }

    @Test
    void ratesBelowOneAreRefused() {
        assertThatThrownBy(() -> new StreamQuota(0, 1, 1)).hasMessageContaining("recordsPerSecond");
        assertThatThrownBy(() -> StreamQuota.bytesPerSecond(-5))
                .hasMessageContaining("bytesPerSecond must be at least 1");
    }

    @Test
    void theEndpointRefusesCallsOverTheQuotaAsFirehoseDoes() throws Exception {
        try (LocalFirehose server = LocalFirehose.builder()
                .quota("limited", new StreamQuota(1_000, 2, 1_000_000))
                .start()) {
            RawClient client = new RawClient(server);
            byte[] call = "{\"DeliveryStreamName\":\"limited\",\"Records\":[{\"Data\":\"aGk=\"}]}".getBytes(UTF_8);
            assertThat(client.post("PutRecordBatch", call).status()).isEqualTo(200);
            assertThat(client.post("PutRecordBatch", call).status()).isEqualTo(200);
            RawClient.Response throttled = client.post("PutRecordBatch", call);
            assertThat(throttled.status()).isEqualTo(500);
            assertThat(throttled.body())
                    .contains("ServiceUnavailableException")
                    .contains("Slow down. The delivery stream's quota of requests per second (2) is exceeded.");
            assertThat(server.records("limited")).hasSize(2);
            assertThat(server.requests())
                    .extracting(CapturedRequest::outcome)
                    .containsExactly("OK", "OK", "ServiceUnavailableException");

            server.quota("limited", null);
            assertThat(client.post("PutRecordBatch", call).status()).isEqualTo(200);
            assertThatThrownBy(() -> server.quota("missing", null)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
