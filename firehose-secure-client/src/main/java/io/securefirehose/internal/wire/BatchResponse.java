package io.securefirehose.internal.wire;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Per-record outcome of one {@code PutRecordBatch} call, aligned with the records that were sent: entry {@code i}
 * has either a record id (accepted) or an error code (not accepted).
 */
@API(status = INTERNAL, since = "0.1.0")
public final class BatchResponse {

    private final @Nullable String[] recordIds;
    private final @Nullable String[] errorCodes;
    private final boolean encrypted;
    private final @Nullable String requestId;

    public BatchResponse(@Nullable String[] recordIds, @Nullable String[] errorCodes, boolean encrypted) {
        this(recordIds, errorCodes, encrypted, null);
    }

    private BatchResponse(
            @Nullable String[] recordIds,
            @Nullable String[] errorCodes,
            boolean encrypted,
            @Nullable String requestId) {
        if (recordIds.length != errorCodes.length) {
            throw new IllegalArgumentException("recordIds and errorCodes must have the same length");
        }
        this.recordIds = recordIds;
        this.errorCodes = errorCodes;
        this.encrypted = encrypted;
        this.requestId = requestId;
    }

    /** The same outcome, with the answer's {@code x-amzn-RequestId} (for tracing); shares the entries. */
    public BatchResponse withRequestId(@Nullable String id) {
        return new BatchResponse(recordIds, errorCodes, encrypted, id);
    }

    /** The answer's {@code x-amzn-RequestId}, or {@code null} when it had none or it was not kept. */
    public @Nullable String requestId() {
        return requestId;
    }

    public int size() {
        return recordIds.length;
    }

    /** Firehose's record id if entry {@code i} was accepted, else {@code null}. */
    @Nullable
    public String recordId(int i) {
        return recordIds[i];
    }

    /** Error code of entry {@code i} if it was not accepted, else {@code null}. */
    @Nullable
    public String errorCode(int i) {
        return errorCodes[i];
    }

    public boolean encrypted() {
        return encrypted;
    }
}
