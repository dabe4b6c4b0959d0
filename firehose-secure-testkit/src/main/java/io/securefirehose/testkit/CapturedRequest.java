package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * One call {@link LocalFirehose} received, whatever its outcome.
 *
 * @param sequence arrival number, from 1
 * @param action the operation, for example {@code PutRecordBatch}
 * @param stream the delivery stream named in the call, if it could be read
 * @param recordCount records in the call
 * @param recordBytes record bytes in the call (after base64 decoding)
 * @param outcome {@code OK}, or the error code answered, or {@code CONNECTION_RESET}, or {@code LOST_RESPONSE}
 *     (records stored, then a reset instead of the answer)
 * @param accessKeyId the access key that signed the call, if the signature verified
 * @param failedRecordIndexes positions of records answered with a per-record error
 * @param userAgent the {@code User-Agent} header sent
 * @param answerDelay how long the answer was held back by injected latency ({@link FaultPlan.Builder#latencySpikes} and
 *     {@link FaultPlan.Builder#latency}, or a scripted {@link Fault#delay}); zero for calls answered at once
 */
@API(status = STABLE, since = "0.1.0")
public record CapturedRequest(
        long sequence,
        String action,
        @Nullable String stream,
        int recordCount,
        long recordBytes,
        String outcome,
        @Nullable String accessKeyId,
        List<Integer> failedRecordIndexes,
        String userAgent,
        Duration answerDelay) {

    /**
     * Copies the index list, so that a captured call cannot change afterwards.
     *
     * @param sequence arrival number, from 1
     * @param action the operation
     * @param stream the delivery stream named in the call, if it could be read
     * @param recordCount records in the call
     * @param recordBytes record bytes in the call
     * @param outcome {@code OK}, the error code answered, {@code CONNECTION_RESET} or {@code LOST_RESPONSE}
     * @param accessKeyId the access key that signed the call, if the signature verified
     * @param failedRecordIndexes positions of records answered with a per-record error
     * @param userAgent the {@code User-Agent} header sent
     * @param answerDelay how long the answer was held back by injected latency
     */
    public CapturedRequest {
        failedRecordIndexes = List.copyOf(failedRecordIndexes);
    }
}
