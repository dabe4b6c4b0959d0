package io.securefirehose.internal.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.RecordReceipt;
import io.securefirehose.internal.producer.CoreTestSupport;
import io.securefirehose.internal.producer.ProducerAssembly;
import io.securefirehose.internal.producer.ProducerCore;
import io.securefirehose.internal.producer.TestRecords;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.testkit.Fault;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** The SDK transport against a real HTTPS endpoint: how answers become per-record outcomes. */
class SdkBatchTransportTest {

    @RegisterExtension
    static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("t"));

    @Test
    void acceptedAndFailedRecordsAreReportedInOrder(LocalFirehose server) throws Exception {
        server.enqueueFaults(Fault.failRecords("InternalFailure", 1));
        try (SdkBatchTransport transport = SdkBatchTransport.create(
                CoreTestSupport.transportConfig(server, "t", Duration.ofSeconds(30)), new SecurityEvents())) {
            BatchResponse response = transport
                    .send(TestRecords.own(List.of("a".getBytes(UTF_8), "b".getBytes(UTF_8), "c".getBytes(UTF_8))))
                    .get(30, TimeUnit.SECONDS);
            assertThat(response.size()).isEqualTo(3);
            assertThat(response.recordId(0))
                    .isEqualTo(server.records("t").get(0).recordId());
            assertThat(response.errorCode(0)).isNull();
            assertThat(response.recordId(1)).isNull();
            assertThat(response.errorCode(1)).isEqualTo("InternalFailure");
            assertThat(response.recordId(2))
                    .isEqualTo(server.records("t").get(1).recordId());
            assertThat(response.encrypted()).isFalse();
        }
    }

    @Test
    void aRefusedCallFailsTheFutureWithTheServiceError(LocalFirehose server) throws Exception {
        server.enqueueFaults(Fault.error(400, "InvalidKMSResourceException"));
        try (SdkBatchTransport transport = SdkBatchTransport.create(
                CoreTestSupport.transportConfig(server, "t", Duration.ofSeconds(30)), new SecurityEvents())) {
            CompletableFuture<BatchResponse> call = transport.send(TestRecords.own(List.of(new byte[1])));
            assertThatThrownBy(() -> call.get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(
                            AwsServiceException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidKMSResourceException"));
        }
    }

    @Test
    void aProducerBuiltWithItsOwnThreadDeliversAndShutsDown(LocalFirehose server) throws Exception {
        ProducerCore core =
                ProducerAssembly.create(CoreTestSupport.transportConfig(server, "t", Duration.ofSeconds(30)), null);
        RecordReceipt receipt = core.send("own thread".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertThat(receipt.recordId()).isEqualTo(server.records("t").get(0).recordId());
        List<Thread> senders = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("firehose-secure-sender-t"))
                .toList();
        assertThat(senders).isNotEmpty();
        core.close(Duration.ofSeconds(10));
        // The executor reports termination just before its thread has finished exiting: join, bounded.
        for (Thread sender : senders) {
            sender.join(10_000);
            assertThat(sender.isAlive())
                    .as("%s still running after close", sender.getName())
                    .isFalse();
        }
        assertThatThrownBy(() -> core.send(new byte[1])).isInstanceOf(IllegalStateException.class);
    }
}
