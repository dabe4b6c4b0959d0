package io.securefirehose.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

class SmokeTest {
  @Test
  void putRecordBatchRoundTrip() throws Exception {
    try (LocalFirehose server = LocalFirehose.start("s1");
        FirehoseAsyncClient client = SdkClients.firehose(server)) {
      PutRecordBatchResponse response =
          client
              .putRecordBatch(
                  r ->
                      r.deliveryStreamName("s1")
                          .records(Record.builder().data(SdkBytes.fromUtf8String("hello")).build()))
              .get();
      assertThat(response.failedPutCount()).isZero();
      assertThat(server.records("s1")).hasSize(1);
      assertThat(new String(server.records("s1").get(0).data(), StandardCharsets.UTF_8)).isEqualTo("hello");
      System.out.println(server.requests());
    }
  }
}
