package io.securefirehose.internal.spill;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import org.apiguardian.api.API;

/**
 * Reads a spill segment (see {@link SpillFormat}) from its bytes. Every entry it returns passed its checksum, so it
 * never hands out bytes that were not written as a record; it stops at the first entry that does not.
 *
 * <p>Where it stops tells what happened: a file that ends inside an entry, or whose rest is zeros, was cut short
 * by a crash while appending ({@link Damage#TORN_TAIL}: the producer had not acknowledged those records, because
 * it acknowledges only after the write is on disk). Anything else is {@link Damage#CORRUPT}: the entries after it
 * cannot be found again, so the file is kept for a person to look at. Stateless and thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SpillSegmentReader {

    /** How a segment ended. */
    public enum Damage {
        /** Every byte belongs to a valid entry. */
        NONE,
        /** The last entry was cut short (or its space is still zeros): the normal mark of a crash mid-append. */
        TORN_TAIL,
        /** An entry failed its checksum or length rule with more data after it. */
        CORRUPT
    }

    /**
     * What a segment holds.
     *
     * @param streamName the stream its records are for
     * @param envelope whether the records are envelope frames
     * @param records the entries that passed their checksums, in order
     * @param validBytes bytes from the start of the file to the end of the last valid entry
     * @param damage how the file ended
     */
    public record Content(String streamName, boolean envelope, List<byte[]> records, long validBytes, Damage damage) {}

    /** The header is missing or not a spill header: nothing in the file can be trusted. */
    static final class SpillFormatException extends Exception {
        private static final long serialVersionUID = 1L;

        SpillFormatException(String message) {
            super(message);
        }
    }

    private SpillSegmentReader() {}

    /**
     * Parses a whole segment.
     *
     * @param file the segment's bytes
     * @return its header fields and valid entries
     * @throws SpillFormatException if the header is missing, truncated or fails its checksum
     */
    public static Content read(byte[] file) throws SpillFormatException {
        ByteBuffer in = ByteBuffer.wrap(file);
        Header header = readHeader(in);
        List<byte[]> records = new ArrayList<>();
        Damage damage = Damage.NONE;
        while (in.hasRemaining()) {
            int start = in.position();
            if (in.remaining() < SpillFormat.ENTRY_HEADER_BYTES) {
                damage = tail(file, start, true);
                break;
            }
            int length = in.getInt();
            int checksum = in.getInt();
            if (length < 0 || length > SpillFormat.MAX_ENTRY_DATA_BYTES) {
                damage = tail(file, start, false);
                break;
            }
            if (length > in.remaining()) {
                damage = tail(file, start, true);
                break;
            }
            if (SpillFormat.entryChecksum(length, file, in.position()) != checksum) {
                damage = tail(file, start, false);
                break;
            }
            records.add(Arrays.copyOfRange(file, in.position(), in.position() + length));
            in.position(in.position() + length);
        }
        long validBytes = damage == Damage.NONE ? file.length : lastValidEnd(header.bytes(), records);
        return new Content(header.streamName(), header.envelope(), List.copyOf(records), validBytes, damage);
    }

    /**
     * Reads only the header, for checking a segment before replaying it.
     *
     * @param start at least the first {@code 8 + 1 + 2 + 255 + 4} bytes of the file, or all of it if shorter
     * @return the stream name and whether the records are envelope frames
     * @throws SpillFormatException if the header is missing, truncated or fails its checksum
     */
    static Content readHeaderOnly(byte[] start) throws SpillFormatException {
        Header header = readHeader(ByteBuffer.wrap(start));
        return new Content(header.streamName(), header.envelope(), List.of(), header.bytes(), Damage.NONE);
    }

    /** Bytes the largest header takes. */
    static int maxHeaderBytes() {
        return SpillFormat.headerBytes(SpillFormat.MAX_STREAM_NAME_BYTES);
    }

    private record Header(String streamName, boolean envelope, int bytes) {}

    private static Header readHeader(ByteBuffer in) throws SpillFormatException {
        int fixed = SpillFormat.MAGIC.length + 1 + 2;
        if (in.remaining() < fixed) {
            throw new SpillFormatException(
                    "not a spill segment: " + in.remaining() + " bytes, shorter than a header (" + fixed + ")");
        }
        byte[] magic = new byte[SpillFormat.MAGIC.length];
        in.get(magic);
        if (!Arrays.equals(magic, SpillFormat.MAGIC)) {
            throw new SpillFormatException("not a spill segment of format version 1: the file does not start with"
                    + " FHSPILL followed by byte 1");
        }
        int flags = in.get() & 0xFF;
        int nameBytes = in.getShort() & 0xFFFF;
        if (nameBytes == 0 || nameBytes > SpillFormat.MAX_STREAM_NAME_BYTES) {
            throw new SpillFormatException("spill header names a stream of " + nameBytes + " bytes (1 to "
                    + SpillFormat.MAX_STREAM_NAME_BYTES + " allowed)");
        }
        if (in.remaining() < nameBytes + 4) {
            throw new SpillFormatException("spill header cut short: the file ends inside it");
        }
        byte[] name = new byte[nameBytes];
        in.get(name);
        int headerEnd = in.position();
        int checksum = in.getInt();
        CRC32C crc = new CRC32C();
        crc.update(in.duplicate().position(0).limit(headerEnd));
        if ((int) crc.getValue() != checksum) {
            throw new SpillFormatException("spill header fails its CRC32C checksum");
        }
        if ((flags & ~SpillFormat.FLAG_ENVELOPE) != 0) {
            throw new SpillFormatException("spill header has unknown flags " + Integer.toBinaryString(flags));
        }
        String streamName;
        try {
            streamName = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(name))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new SpillFormatException("spill header's stream name is not UTF-8");
        }
        return new Header(streamName, (flags & SpillFormat.FLAG_ENVELOPE) != 0, in.position());
    }

    /** A cut-short entry, or an entry whose space up to the end of the file is zeros, is a torn tail. */
    private static Damage tail(byte[] file, int entryStart, boolean cutShort) {
        if (cutShort) {
            return Damage.TORN_TAIL;
        }
        for (int i = entryStart; i < file.length; i++) {
            if (file[i] != 0) {
                return Damage.CORRUPT;
            }
        }
        return Damage.TORN_TAIL;
    }

    private static long lastValidEnd(int headerBytes, List<byte[]> records) {
        long end = headerBytes;
        for (byte[] record : records) {
            end += SpillFormat.entryBytes(record.length);
        }
        return end;
    }

    /** The first bytes of a segment file, enough for its header; links are not followed. */
    static byte[] startOf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readNBytes(maxHeaderBytes());
        }
    }

    /** A whole segment file; links are not followed. */
    static byte[] bytesOf(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            return in.readAllBytes();
        }
    }
}
