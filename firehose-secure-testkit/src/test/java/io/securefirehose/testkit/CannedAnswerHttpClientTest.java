package io.securefirehose.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

class CannedAnswerHttpClientTest {

    private static FirehoseAsyncClient sdk(CannedAnswerHttpClient http) {
        return FirehoseAsyncClient.builder()
                .region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "s")))
                .endpointOverride(URI.create("https://localhost"))
                .httpClient(http)
                .build();
    }

    @Test
    void theSdkGetsTheCannedAnswerAndTheRequestIsKept() {
        CannedAnswerHttpClient http = CannedAnswerHttpClient.answering(
                "{\"FailedPutCount\":0,\"Encrypted\":true,\"RequestResponses\":[{\"RecordId\":\"r-1\"}]}"
                        .getBytes(UTF_8),
                true);
        try (FirehoseAsyncClient sdk = sdk(http)) {
            PutRecordBatchResponse response = sdk.putRecordBatch(r -> r.deliveryStreamName("orders")
                            .records(Record.builder()
                                    .data(SdkBytes.fromUtf8String("hello"))
                                    .build()))
                    .join();
            assertThat(response.encrypted()).isTrue();
            assertThat(response.requestResponses().get(0).recordId()).isEqualTo("r-1");
        }
        assertThat(new String(http.lastBody(), UTF_8))
                .contains("\"DeliveryStreamName\":\"orders\"")
                .contains("aGVsbG8=");
        assertThat(http.lastRequest().firstMatchingHeader("X-Amz-Target")).contains("Firehose_20150804.PutRecordBatch");
        assertThat(http.lastRequest().firstMatchingHeader("Authorization")).isPresent();
    }

    @Test
    void nothingIsKeptUnlessAsked() {
        CannedAnswerHttpClient http =
                CannedAnswerHttpClient.answering("{\"RequestResponses\":[]}".getBytes(UTF_8), false);
        try (FirehoseAsyncClient sdk = sdk(http)) {
            sdk.putRecordBatch(r -> r.deliveryStreamName("orders").records(java.util.List.of()))
                    .join();
        }
        assertThat(http.lastRequest()).isNull();
        assertThat(http.lastBody()).isEmpty();
    }
}
