package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Thrown by {@code send} when a record is larger than Firehose accepts (1,024,000 bytes before base64 encoding).
 *
 * <p>The record is refused before it is buffered: it takes no buffer space and no other record is affected. Not
 * retriable: the same record will always be refused. Split or compress the record.
 */
@API(status = STABLE, since = "0.1.0")
public final class RecordTooLargeException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /** Size of the refused record in bytes. */
    private final long recordBytes;
    /** The largest record size accepted, in bytes. */
    private final long maxRecordBytes;

    /**
     * Creates the exception.
     *
     * @param recordBytes size of the refused record in bytes
     * @param maxRecordBytes the largest record size accepted
     */
    public RecordTooLargeException(long recordBytes, long maxRecordBytes) {
        super(
                "record of "
                        + recordBytes
                        + " bytes is larger than the "
                        + maxRecordBytes
                        + "-byte limit Firehose sets for one record (before base64): split or compress it",
                null,
                false);
        this.recordBytes = recordBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** @return size of the refused record in bytes */
    public long recordBytes() {
        return recordBytes;
    }

    /** @return the largest record size accepted, in bytes */
    public long maxRecordBytes() {
        return maxRecordBytes;
    }
}
