package io.securefirehose.records;

import static org.apiguardian.api.API.Status.STABLE;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.apiguardian.api.API;

/**
 * Reads records packed by {@link Coalescing}: from one packed Firehose record, or from a whole delivered object (the
 * packed records concatenated, as Firehose writes them). Newline framing yields each line without its
 * {@code '\n'}. Stateless and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class CoalescedRecords {

    private static final int CHUNK_BYTES = 64 * 1024;

    private CoalescedRecords() {}

    /**
     * Splits one packed record (or any concatenation of them).
     *
     * @param packed the bytes
     * @param framing the framing they were packed with
     * @return the records, in order
     * @throws IllegalArgumentException if the data is cut short or cannot have been packed with this framing (a
     *     length or a line longer than a Firehose record holds); the message names the byte offset
     */
    public static List<byte[]> split(byte[] packed, Coalescing.Framing framing) {
        Objects.requireNonNull(packed, "packed");
        Objects.requireNonNull(framing, "framing");
        List<byte[]> records = new ArrayList<>();
        try {
            read(new ByteArrayInputStream(packed), framing, records::add);
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        return records;
    }

    /**
     * Reads every record of a stream of packed records (an uncompressed delivered object). Memory stays bounded by
     * the largest record a Firehose record can hold, whatever the input.
     *
     * @param in the bytes; not closed
     * @param framing the framing they were packed with
     * @param records receives each record, on the calling thread
     * @return the number of records
     * @throws UncheckedIOException if reading fails, the data is cut short (a length-prefixed record shorter than
     *     its length, a newline-delimited object whose last record has no {@code '\n'}), or the data cannot have
     *     been packed with this framing (a length or a line longer than a Firehose record holds); records before
     *     the fault have been handed out by then
     */
    public static long forEach(InputStream in, Coalescing.Framing framing, Consumer<byte[]> records) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(framing, "framing");
        Objects.requireNonNull(records, "records");
        try {
            return read(in, framing, records);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long read(InputStream in, Coalescing.Framing framing, Consumer<byte[]> records) throws IOException {
        return framing == Coalescing.Framing.NEWLINE
                ? forEachLine(in, records)
                : forEachLengthPrefixed(new BufferedInputStream(in, CHUNK_BYTES), records);
    }

    /**
     * A line holds one record and its {@code '\n'} at most what a Firehose record holds, because the packer ends
     * every record with one and never sends a packed record over that limit.
     */
    private static long forEachLine(InputStream in, Consumer<byte[]> records) throws IOException {
        byte[] chunk = new byte[CHUNK_BYTES];
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        long count = 0;
        long lineOffset = 0;
        int read;
        while ((read = in.read(chunk)) != -1) {
            int start = 0;
            for (int i = 0; i < read; i++) {
                if (chunk[i] == '\n') {
                    appendToLine(line, chunk, start, i - start, lineOffset);
                    records.accept(line.toByteArray());
                    count++;
                    lineOffset += line.size() + 1L;
                    line.reset();
                    start = i + 1;
                }
            }
            appendToLine(line, chunk, start, read - start, lineOffset);
        }
        if (line.size() > 0) {
            throw new IOException("the record at byte offset " + lineOffset + " ends after " + line.size()
                    + " bytes without '\\n': the data was cut short, or was not packed with NEWLINE framing");
        }
        return count;
    }

    private static void appendToLine(ByteArrayOutputStream line, byte[] chunk, int from, int length, long lineOffset)
            throws IOException {
        if ((long) line.size() + length >= FirehoseLimits.MAX_RECORD_BYTES) {
            throw new IOException("the line at byte offset " + lineOffset + " runs past "
                    + (FirehoseLimits.MAX_RECORD_BYTES - 1) + " bytes without '\\n', more than a Firehose record of "
                    + FirehoseLimits.MAX_RECORD_BYTES + " bytes holds with its '\\n': the data was not packed with"
                    + " NEWLINE framing");
        }
        line.write(chunk, from, length);
    }

    private static long forEachLengthPrefixed(InputStream in, Consumer<byte[]> records) throws IOException {
        byte[] prefix = new byte[4];
        long count = 0;
        long offset = 0;
        while (true) {
            int got = in.readNBytes(prefix, 0, 4);
            if (got == 0) {
                return count;
            }
            if (got < 4) {
                throw new IOException("length prefix at byte offset " + offset + " cut short: " + got + " of 4 bytes");
            }
            long length = ((prefix[0] & 0xFFL) << 24)
                    | ((prefix[1] & 0xFF) << 16)
                    | ((prefix[2] & 0xFF) << 8)
                    | (prefix[3] & 0xFF);
            if (length > FirehoseLimits.MAX_RECORD_BYTES) {
                throw new IOException("record length " + length + " at byte offset " + offset + " exceeds the "
                        + FirehoseLimits.MAX_RECORD_BYTES + " bytes a Firehose record holds: the data was not packed"
                        + " with LENGTH_PREFIXED framing");
            }
            byte[] record = in.readNBytes((int) length);
            if (record.length < length) {
                throw new IOException("record at byte offset " + offset + " cut short: " + record.length + " of "
                        + length + " bytes");
            }
            records.accept(record);
            count++;
            offset += 4 + length;
        }
    }
}
