package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import java.io.BufferedInputStream;
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

    private CoalescedRecords() {}

    /**
     * Splits one packed record (or any concatenation of them).
     *
     * @param packed the bytes
     * @param framing the framing they were packed with
     * @return the records, in order
     * @throws IllegalArgumentException if length-prefixed data is cut short
     */
    public static List<byte[]> split(byte[] packed, Coalescing.Framing framing) {
        List<byte[]> records = new ArrayList<>();
        try {
            forEach(new java.io.ByteArrayInputStream(packed), framing, records::add);
        } catch (UncheckedIOException e) {
            throw new IllegalArgumentException(String.valueOf(e.getMessage()), e);
        }
        return records;
    }

    /**
     * Reads every record of a stream of packed records (an uncompressed delivered object).
     *
     * @param in the bytes; not closed
     * @param framing the framing they were packed with
     * @param records receives each record, on the calling thread
     * @return the number of records
     * @throws UncheckedIOException if reading fails or length-prefixed data is cut short
     */
    public static long forEach(InputStream in, Coalescing.Framing framing, Consumer<byte[]> records) {
        Objects.requireNonNull(framing, "framing");
        BufferedInputStream buffered = new BufferedInputStream(in, 64 * 1024);
        long count = 0;
        long offset = 0;
        try {
            if (framing == Coalescing.Framing.NEWLINE) {
                ByteArrayOutputStream line = new ByteArrayOutputStream();
                int b;
                while ((b = buffered.read()) != -1) {
                    if (b == '\n') {
                        records.accept(line.toByteArray());
                        line.reset();
                        count++;
                    } else {
                        line.write(b);
                    }
                }
                if (line.size() > 0) {
                    records.accept(line.toByteArray());
                    count++;
                }
                return count;
            }
            byte[] prefix = new byte[4];
            while (true) {
                int got = buffered.readNBytes(prefix, 0, 4);
                if (got == 0) {
                    return count;
                }
                if (got < 4) {
                    throw new IOException("length prefix cut short at byte offset " + offset);
                }
                long length = ((prefix[0] & 0xFFL) << 24)
                        | ((prefix[1] & 0xFF) << 16)
                        | ((prefix[2] & 0xFF) << 8)
                        | (prefix[3] & 0xFF);
                if (length > FirehoseLimits.MAX_RECORD_BYTES) {
                    throw new IOException("record length " + length + " at byte offset " + offset + " exceeds the "
                            + FirehoseLimits.MAX_RECORD_BYTES + " bytes a Firehose record holds");
                }
                byte[] record = buffered.readNBytes((int) length);
                if (record.length < length) {
                    throw new IOException("record at byte offset " + offset + " cut short: " + record.length + " of "
                            + length + " bytes");
                }
                records.accept(record);
                count++;
                offset += 4 + length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
