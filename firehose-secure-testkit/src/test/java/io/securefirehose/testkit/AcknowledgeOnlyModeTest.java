package io.securefirehose.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * {@code LocalFirehoseMain --acknowledge-only}, the load driver's endpoint that costs the client nothing: a
 * {@code PutRecordBatch} is answered with one accepted entry per record, unchecked and unstored; everything else is
 * served in full.
 */
class AcknowledgeOnlyModeTest {

    private static final StaticCredentialsProvider STRANGER =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIASTRANGER", "not-a-secret-it-knows"));

    @Test
    void everyRecordOfACallIsAcknowledgedUncheckedAndUnstored(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (LocalFirehose server = start(dir, printed, "--acknowledge-only");
                FirehoseAsyncClient client = SdkClients.firehose(server, STRANGER)) {
            for (int count : new int[] {1, 7, 500}) {
                PutRecordBatchResponse answer = client.putRecordBatch(
                                r -> r.deliveryStreamName("bench").records(records(count)))
                        .get();
                assertThat(answer.failedPutCount()).isZero();
                assertThat(answer.requestResponses())
                        .hasSize(count)
                        .extracting(PutRecordBatchResponseEntry::recordId)
                        .doesNotContainNull()
                        .doesNotHaveDuplicates();
            }
            assertThat(server.records("bench")).isEmpty();
            assertThat(printed.toString(UTF_8)).contains("acknowledge-only");
        }
    }

    @Test
    void aCallFirehoseWouldRefuseIsStillRefused(@TempDir Path dir) throws Exception {
        try (LocalFirehose server = start(dir, new ByteArrayOutputStream(), "--acknowledge-only");
                FirehoseAsyncClient client = SdkClients.firehose(server)) {
            assertThatThrownBy(() -> client.putRecordBatch(
                                    r -> r.deliveryStreamName("bench").records(records(501)))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(InvalidArgumentException.class);
        }
    }

    @Test
    void kmsStillChecksSignatures(@TempDir Path dir) throws Exception {
        try (LocalFirehose server = start(dir, new ByteArrayOutputStream(), "--acknowledge-only");
                KmsAsyncClient kms = SdkClients.kms(server, STRANGER)) {
            assertThatThrownBy(() -> kms.generateDataKey(r -> r.keyId("k1").numberOfBytes(32))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(KmsException.class);
        }
    }

    @Test
    void withoutTheFlagAStrangersCallIsRefused(@TempDir Path dir) throws Exception {
        try (LocalFirehose server = start(dir, new ByteArrayOutputStream());
                FirehoseAsyncClient client = SdkClients.firehose(server, STRANGER)) {
            assertThatThrownBy(() -> client.putRecordBatch(
                                    r -> r.deliveryStreamName("bench").records(records(3)))
                            .get())
                    .isInstanceOf(ExecutionException.class)
                    .hasMessageContaining("security token included in the request is invalid");
        }
    }

    private static LocalFirehose start(Path dir, ByteArrayOutputStream printed, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "--stream",
                "bench",
                "--no-capture",
                "--trust-pem",
                dir.resolve("ca.pem").toString(),
                "--kms-key",
                "k1"));
        args.addAll(List.of(more));
        LocalFirehose server =
                LocalFirehoseMain.start(args.toArray(String[]::new), new PrintStream(printed, true, UTF_8));
        assertThat(server).isNotNull();
        return server;
    }

    private static List<Record> records(int count) {
        List<Record> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(Record.builder()
                    .data(SdkBytes.fromUtf8String("{\"n\":" + i + "}"))
                    .build());
        }
        return records;
    }
}
