package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Proof that a record is safe: Firehose accepted it, or (with {@link Spill} on) it was written to the spill
 * directory and will be replayed from there.
 *
 * @param recordId the {@code RecordId} Firehose assigned to the record; for a spilled record, where it was
 *     spilled: {@code spill:<segment file>:<entry number>}
 * @param attempts how many {@code PutRecordBatch} calls carried the record (1 if it was accepted at once; 0 is
 *     possible only for a spilled record)
 * @param serverSideEncrypted the {@code Encrypted} flag of the response: whether the stream encrypts at rest
 *     ({@code false} for a spilled record)
 * @param spilled whether the record was spilled to disk rather than acknowledged by Firehose
 */
@API(status = STABLE, since = "0.1.0")
public record RecordReceipt(String recordId, int attempts, boolean serverSideEncrypted, boolean spilled) {

    /**
     * A receipt for a record Firehose acknowledged.
     *
     * @param recordId the {@code RecordId} Firehose assigned to the record
     * @param attempts how many {@code PutRecordBatch} calls carried the record, at least 1
     * @param serverSideEncrypted the {@code Encrypted} flag of the response
     */
    public RecordReceipt(String recordId, int attempts, boolean serverSideEncrypted) {
        this(recordId, attempts, serverSideEncrypted, false);
    }

    /**
     * A receipt for a record written to the spill directory.
     *
     * @param spillId where it was spilled: {@code spill:<segment file>:<entry number>}
     * @param attempts how many {@code PutRecordBatch} calls carried the record before it was spilled
     * @return a receipt whose {@link #spilled()} is {@code true}
     */
    public static RecordReceipt spilledTo(String spillId, int attempts) {
        return new RecordReceipt(spillId, attempts, false, true);
    }

    /**
     * Checks the receipt's fields.
     *
     * @param recordId the {@code RecordId} Firehose assigned to the record
     * @param attempts how many {@code PutRecordBatch} calls carried the record
     * @param serverSideEncrypted the {@code Encrypted} flag of the response
     * @param spilled whether the record was spilled to disk
     *
     * @throws NullPointerException if {@code recordId} is null
     * @throws IllegalArgumentException if {@code attempts} is less than 1 (less than 0 for a spilled record)
     */
    public RecordReceipt {
        Objects.requireNonNull(recordId, "recordId");
        if (attempts < (spilled ? 0 : 1)) {
            throw new IllegalArgumentException("attempts must be at least " + (spilled ? 0 : 1) + ", was " + attempts);
        }
    }
}
