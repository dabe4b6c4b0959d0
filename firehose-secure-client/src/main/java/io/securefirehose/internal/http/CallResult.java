package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.listener.CallOutcome;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * How one {@code PutRecordBatch} call ended, classified as the sender acts on it ({@link RequestFailure} for a call
 * that failed as a whole, per-record error codes for an answer), for the listener and for tracing.
 *
 * @param outcome the class of the outcome
 * @param acceptedRecords records Firehose accepted
 * @param throttledRecords records throttled: all of them when the call as a whole was throttled
 * @param errorCode the call's error code, or the first refused record's; {@code null} on success
 * @param requestId the answer's {@code x-amzn-RequestId}, when there was one
 * @param failure what the call failed with as a whole, else {@code null}
 */
@API(status = INTERNAL, since = "0.1.0")
public record CallResult(
        CallOutcome outcome,
        int acceptedRecords,
        int throttledRecords,
        @Nullable String errorCode,
        @Nullable String requestId,
        @Nullable Throwable failure) {

    private static final String THROTTLED_RECORD = "ServiceUnavailableException";

    /**
     * @param records how many records the call carried
     * @param answer the answer, or {@code null} when the call failed
     * @param error what the call failed with, or {@code null}
     * @return the classified outcome; an answer with another number of entries is a malformed, retriable one
     */
    public static CallResult of(int records, @Nullable BatchResponse answer, @Nullable Throwable error) {
        if (error != null || answer == null || answer.size() != records) {
            RequestFailure failure = error != null
                    ? RequestFailure.classify(error)
                    : RequestFailure.malformedResponse((answer == null ? "no" : String.valueOf(answer.size()))
                            + " results for " + records + " records");
            CallOutcome outcome = failure.throttled()
                    ? CallOutcome.THROTTLED
                    : failure.retriable() ? CallOutcome.RETRIABLE_ERROR : CallOutcome.FATAL_ERROR;
            String requestId = failure.cause() instanceof AwsServiceException service ? service.requestId() : null;
            return new CallResult(
                    outcome, 0, failure.throttled() ? records : 0, failure.code(), requestId, failure.cause());
        }
        int accepted = 0;
        int throttled = 0;
        String firstError = null;
        for (int i = 0; i < records; i++) {
            if (answer.recordId(i) != null) {
                accepted++;
                continue;
            }
            String code = answer.errorCode(i);
            if (firstError == null) {
                firstError = code == null ? "MissingRecordResult" : code;
            }
            if (THROTTLED_RECORD.equals(code)) {
                throttled++;
            }
        }
        CallOutcome outcome = accepted == records ? CallOutcome.SUCCESS : CallOutcome.PARTIAL_FAILURE;
        return new CallResult(outcome, accepted, throttled, firstError, answer.requestId(), null);
    }
}
