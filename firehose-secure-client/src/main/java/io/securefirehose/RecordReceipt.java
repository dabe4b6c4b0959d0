package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Proof that Firehose accepted one record.
 *
 * @param recordId the {@code RecordId} Firehose assigned to the record
 * @param attempts how many {@code PutRecordBatch} calls carried the record (1 if it was accepted at once)
 * @param serverSideEncrypted the {@code Encrypted} flag of the response: whether the stream encrypts at rest
 */
@API(status = STABLE, since = "0.1.0")
public record RecordReceipt(String recordId, int attempts, boolean serverSideEncrypted) {

    /**
     * Checks the receipt's fields.
     *
     * @param recordId the {@code RecordId} Firehose assigned to the record
     * @param attempts how many {@code PutRecordBatch} calls carried the record
     * @param serverSideEncrypted the {@code Encrypted} flag of the response
     *
     * @throws NullPointerException if {@code recordId} is null
     * @throws IllegalArgumentException if {@code attempts} is less than 1
     */
    public RecordReceipt {
        Objects.requireNonNull(recordId, "recordId");
        if (attempts < 1) {
            throw new IllegalArgumentException("attempts must be at least 1, was " + attempts);
        }
    }
}
