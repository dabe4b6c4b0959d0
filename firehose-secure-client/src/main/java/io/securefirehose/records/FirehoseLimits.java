package io.securefirehose.records;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The limits Amazon Kinesis Data Firehose sets on {@code PutRecordBatch}, which the producer never exceeds.
 *
 * <p>Sizes are counted on the raw record bytes, before the base64 encoding of the wire format.
 */
@API(status = STABLE, since = "0.1.0")
public final class FirehoseLimits {

    /** Most records one {@code PutRecordBatch} call may carry. */
    public static final int MAX_RECORDS_PER_BATCH = 500;

    /** Most bytes (sum of record sizes) one {@code PutRecordBatch} call may carry: 4 MiB. */
    public static final int MAX_BYTES_PER_BATCH = 4 * 1024 * 1024;

    /** Largest single record: 1,000 KiB. */
    public static final int MAX_RECORD_BYTES = 1_024_000;

    private FirehoseLimits() {}
}
