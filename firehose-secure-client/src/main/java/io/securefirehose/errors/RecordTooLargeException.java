package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.records.FirehoseLimits;
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
        this(
                recordBytes,
                maxRecordBytes,
                "record of "
                        + recordBytes
                        + " bytes is larger than the "
                        + maxRecordBytes
                        + "-byte limit Firehose sets for one record (before base64): split or compress it");
    }

    private RecordTooLargeException(long recordBytes, long maxRecordBytes, String message) {
        super(message, null, false);
        this.recordBytes = recordBytes;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * A record that would not fit into one packed record with coalescing on, framing included.
     *
     * @param recordBytes size of the refused record
     * @param maxRecordBytes the largest record a packed record can carry alone
     * @return the exception
     */
    public static RecordTooLargeException coalesced(long recordBytes, long maxRecordBytes) {
        return new RecordTooLargeException(
                recordBytes,
                maxRecordBytes,
                "record of " + recordBytes + " bytes is larger than the " + maxRecordBytes + " bytes one packed record"
                        + " can carry with coalescing on (its maxRecordBytes less the framing, and less the envelope"
                        + " frame when encrypting): raise Coalescing.maxRecordBytes, or split the record");
    }

    /**
     * A plaintext that would not fit into one Firehose record once envelope encryption added its frame.
     *
     * @param plaintextBytes size of the refused plaintext
     * @param maxPlaintextBytes the largest plaintext accepted with the producer's encryption settings
     * @return the exception
     */
    public static RecordTooLargeException encrypted(long plaintextBytes, long maxPlaintextBytes) {
        return new RecordTooLargeException(
                plaintextBytes,
                maxPlaintextBytes,
                "record of " + plaintextBytes + " bytes is larger than the " + maxPlaintextBytes + " bytes of plaintext"
                        + " that fit into Firehose's 1,024,000-byte record limit once envelope encryption adds its "
                        + (FirehoseLimits.MAX_RECORD_BYTES - maxPlaintextBytes)
                        + "-byte frame (see docs/envelope-format.md): split or compress it");
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
