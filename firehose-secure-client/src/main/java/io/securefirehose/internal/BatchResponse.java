package io.securefirehose.internal;

import org.jspecify.annotations.Nullable;

/**
 * Per-record outcome of one {@code PutRecordBatch} call, aligned with the records that were sent: entry {@code i}
 * has either a record id (accepted) or an error code (not accepted).
 */
final class BatchResponse {

    private final @Nullable String[] recordIds;
    private final @Nullable String[] errorCodes;
    private final boolean encrypted;

    BatchResponse(@Nullable String[] recordIds, @Nullable String[] errorCodes, boolean encrypted) {
        if (recordIds.length != errorCodes.length) {
            throw new IllegalArgumentException("recordIds and errorCodes must have the same length");
        }
        this.recordIds = recordIds;
        this.errorCodes = errorCodes;
        this.encrypted = encrypted;
    }

    int size() {
        return recordIds.length;
    }

    /** Firehose's record id if entry {@code i} was accepted, else {@code null}. */
    @Nullable
    String recordId(int i) {
        return recordIds[i];
    }

    /** Error code of entry {@code i} if it was not accepted, else {@code null}. */
    @Nullable
    String errorCode(int i) {
        return errorCodes[i];
    }

    boolean encrypted() {
        return encrypted;
    }
}
