package io.securefirehose.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.ServiceFailure;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.internal.http.FailureReportingTransport;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * Through {@link FailureReportingTransport}, each failed {@code PutRecordBatch} call is reported once, on the
 * producer's thread, with its code and whether its
 * records fail at once; a call that failed only because the credentials were unavailable is STS's failure, reported
 * by the credentials, and not again as Firehose's.
 */
class ProducerCoreServiceFailureTest extends CoreTestSupport {

    private static final URI ENDPOINT = URI.create("https://firehose.eu-west-1.amazonaws.com");

    private final List<ServiceFailure> reported = new CopyOnWriteArrayList<>();

    private void start() {
        core = new ProducerCore(
                SecureFirehoseProducer.builder()
                        .deliveryStream("unit")
                        .region("eu-west-1")
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .linger(Duration.ofMillis(50))
                        .retryBackoff(Duration.ofMillis(100), Duration.ofMillis(100))
                        .buildConfig(),
                new FailureReportingTransport(
                        transport,
                        ServiceFailureReporter.to(reported::add, scheduler)
                                .calls(ServiceFailure.Service.FIREHOSE, ENDPOINT)),
                scheduler,
                null);
    }

    @Test
    void eachFailedCallIsReportedWithItsCodeAndWhetherItsRecordsFailAtOnce() {
        start();
        CompletableFuture<RecordReceipt> record = core.send(bytes(10, 1));
        lingerOut();

        transport.failWith(0, 503, "ServiceUnavailableException");
        settle();
        scheduler.advance(Duration.ofMillis(200));
        settle();
        transport.failWith(1, 400, "ResourceNotFoundException");
        settle();

        assertThat(reported).hasSize(2);
        ServiceFailure throttled = reported.get(0);
        assertThat(throttled.service()).isEqualTo(ServiceFailure.Service.FIREHOSE);
        assertThat(throttled.operation()).isEqualTo("PutRecordBatch");
        assertThat(throttled.endpoint()).isEqualTo(ENDPOINT);
        assertThat(throttled.code()).isEqualTo("ServiceUnavailableException");
        assertThat(throttled.permanent()).isFalse();
        assertThat(throttled.unreachable()).isFalse();
        assertThat(reported.get(1).code()).isEqualTo("ResourceNotFoundException");
        assertThat(reported.get(1).permanent()).isTrue();
        assertThat(failureOf(record)).hasMessageContaining("ResourceNotFoundException");
    }

    @Test
    void aCallThatFailedForWantOfCredentialsIsLeftToTheCredentialsToReport() {
        start();
        core.send(bytes(10, 1));
        lingerOut();

        transport
                .call(0)
                .response()
                .completeExceptionally(new CredentialsUnavailableException(
                        "no session for role arn:aws:iam::111122223333:role/r yet", true, null));
        settle();

        assertThat(transport.callCount()).isEqualTo(1);
        assertThat(reported).isEmpty();
    }
}
