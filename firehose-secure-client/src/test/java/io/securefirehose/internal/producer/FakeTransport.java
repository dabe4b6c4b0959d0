package io.securefirehose.internal.producer;

import io.securefirehose.internal.http.BatchTransport;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * A {@link BatchTransport} whose calls stay open until the test answers them, so that tests decide every outcome
 * and its timing. Used only where time must be moved by hand; end-to-end behaviour is tested against
 * LocalFirehose over HTTPS.
 */
public final class FakeTransport implements BatchTransport {

    record Call(List<byte[]> records, CompletableFuture<BatchResponse> response) {}

    private final List<Call> calls = new ArrayList<>();
    private boolean closed;

    @Override
    public synchronized CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
        // Read now, as the contract asks: a record's slab may be reused once this returns.
        Call call = new Call(List.copyOf(TestRecords.bytes(records)), new CompletableFuture<>());
        calls.add(call);
        return call.response();
    }

    @Override
    public synchronized void close() {
        closed = true;
        for (Call call : calls) {
            call.response().completeExceptionally(new IllegalStateException("transport closed"));
        }
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized Call call(int index) {
        return calls.get(index);
    }

    synchronized int callCount() {
        return calls.size();
    }

    synchronized long openCalls() {
        return calls.stream().filter(c -> !c.response().isDone()).count();
    }

    /** Accepts every record of call {@code index}. */
    void acceptAll(int index) {
        answer(index, i -> null);
    }

    /** Answers call {@code index}: {@code errorFor(i)} is the error code of record i, or null to accept it. */
    void answer(int index, IntFunction<String> errorFor) {
        answer(index, errorFor, false);
    }

    /** Answers call {@code index} with the given {@code Encrypted} flag. */
    void answer(int index, IntFunction<String> errorFor, boolean encrypted) {
        Call call = call(index);
        int n = call.records().size();
        String[] ids = new String[n];
        String[] codes = new String[n];
        for (int i = 0; i < n; i++) {
            String code = errorFor.apply(i);
            if (code == null) {
                ids[i] = "id-" + index + "-" + i;
            } else {
                codes[i] = code;
            }
        }
        call.response().complete(new BatchResponse(ids, codes, encrypted));
    }

    /** Fails call {@code index} as the SDK would for an AWS error answer. */
    void failWith(int index, int status, String errorCode) {
        call(index).response().completeExceptionally(serviceError(status, errorCode));
    }

    public static AwsServiceException serviceError(int status, String errorCode) {
        return AwsServiceException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(errorCode)
                        .errorMessage("test " + errorCode)
                        .build())
                .build();
    }
}
