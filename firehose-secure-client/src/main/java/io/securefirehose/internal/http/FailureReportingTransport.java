package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;

/**
 * A transport that reports each whole call that failed, with its code and whether its records fail at once
 * ({@link RequestFailure}'s classification, the one the sender acts on). A call that failed only because no
 * credentials were available is STS's failure, reported where it happened, and not again here. Per-record errors
 * inside an answer are not call failures. Thread-safe; adds nothing per record.
 *
 * @param transport the transport that makes the calls
 * @param failedCalls where failed calls are reported
 */
@API(status = INTERNAL, since = "0.1.0")
public record FailureReportingTransport(BatchTransport transport, ServiceFailureReporter.Calls failedCalls)
        implements BatchTransport {

    @Override
    // The returned call is the caller's; the dependent stage only reports.
    @SuppressWarnings("FutureReturnValueIgnored")
    public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
        CompletableFuture<BatchResponse> call = transport.send(records);
        call.whenComplete((answer, error) -> {
            if (error != null) {
                RequestFailure failure = RequestFailure.classify(error);
                if (!(failure.cause() instanceof CredentialsUnavailableException)) {
                    failedCalls.report("PutRecordBatch", failure.code(), failure.cause(), !failure.retriable());
                }
            }
        });
        return call;
    }

    @Override
    public void close() {
        transport.close();
    }
}
