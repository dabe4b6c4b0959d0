package io.securefirehose.records;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Opt-in packing of many small records into one Firehose record. Firehose bills each record rounded up to the
 * next 5 KB, so a 100-byte record costs as much as 5 KB of data; packed, the same records cost about their size.
 * Each record sent still gets its own future, completed when the Firehose record carrying it is acknowledged (all
 * records packed together share its {@code RecordId}) or failed with its cause.
 *
 * <p>Two framings, both documented in {@code docs/producer.md} and read back by {@link CoalescedRecords} (and by
 * {@code EnvelopeDecryptor} when encryption is on):
 *
 * <ul>
 *   <li>{@link Framing#NEWLINE}: each record followed by {@code '\n'} (added unless the record already ends with
 *       one); a record may not contain {@code '\n'} anywhere else. Delivered objects stay newline-delimited text.
 *   <li>{@link Framing#LENGTH_PREFIXED}: each record preceded by its length as 4 bytes, big-endian; any bytes.
 * </ul>
 *
 * <p>A packed record is sent when adding the next record would make it larger than {@link #maxRecordBytes()}, and
 * at the latest {@code linger} after its first record (so packing adds up to one {@code linger} of latency). With
 * envelope encryption, one packed record is one encrypted frame.
 *
 * <p>Immutable and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class Coalescing {

    /** How records are delimited inside a packed record. */
    public enum Framing {
        /** Records end with {@code '\n'}; they must not contain it elsewhere. */
        NEWLINE,
        /** Records are preceded by a 4-byte big-endian length. */
        LENGTH_PREFIXED
    }

    /** Default largest packed record: 64,000 bytes, a multiple of the 5 KB billing unit with room for a frame. */
    public static final int DEFAULT_MAX_RECORD_BYTES = 64_000;

    /** Smallest {@code maxRecordBytes}. */
    public static final int MIN_MAX_RECORD_BYTES = 1_024;

    private final Framing framing;
    private final int maxRecordBytes;

    private Coalescing(Framing framing, int maxRecordBytes) {
        this.framing = framing;
        this.maxRecordBytes = maxRecordBytes;
    }

    /** @return newline-delimited packing up to the default size */
    public static Coalescing newlineDelimited() {
        return new Coalescing(Framing.NEWLINE, DEFAULT_MAX_RECORD_BYTES);
    }

    /** @return length-prefixed packing up to the default size */
    public static Coalescing lengthPrefixed() {
        return new Coalescing(Framing.LENGTH_PREFIXED, DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * The largest packed record. Larger packed records mean fewer Firehose records and calls; smaller ones, less
     * lost to the last 5 KB unit. A record that does not fit into an empty packed record is sent packed alone.
     *
     * @param bytes 1,024 to 1,024,000 (with encryption the frame's overhead is taken off the top)
     * @return settings with that size
     */
    public Coalescing maxRecordBytes(int bytes) {
        if (bytes < MIN_MAX_RECORD_BYTES || bytes > FirehoseLimits.MAX_RECORD_BYTES) {
            throw new IllegalArgumentException("coalescing maxRecordBytes must be between " + MIN_MAX_RECORD_BYTES
                    + " and " + FirehoseLimits.MAX_RECORD_BYTES + " (Firehose's record limit), was " + bytes);
        }
        return new Coalescing(framing, bytes);
    }

    /** @return how records are delimited */
    public Framing framing() {
        return framing;
    }

    /** @return the largest packed record, in bytes */
    public int maxRecordBytes() {
        return maxRecordBytes;
    }

    /**
     * Bytes the framing adds to a record.
     *
     * @param record the record
     * @return 4 for length-prefixed; 1 for newline-delimited unless the record already ends with {@code '\n'}
     */
    public int framingBytes(byte[] record) {
        Objects.requireNonNull(record, "record");
        if (framing == Framing.LENGTH_PREFIXED) {
            return 4;
        }
        return record.length > 0 && record[record.length - 1] == '\n' ? 0 : 1;
    }

    @Override
    public String toString() {
        return framing + " up to " + maxRecordBytes + " bytes";
    }
}
