package io.securefirehose.internal.spill;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.records.FirehoseLimits;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;
import org.apiguardian.api.API;

/**
 * The layout of a spill segment file, specified in {@code docs/spill.md}: a header naming the stream, then
 * self-delimiting entries, each a Firehose record exactly as it would have been sent. All integers big-endian.
 *
 * <pre>
 * header: "FHSPILL" 0x01 | flags (1) | stream name length (2) | stream name (UTF-8) | CRC32C of the above (4)
 * entry:  length (4, 0..1,024,000) | CRC32C of length and data (4) | data
 * </pre>
 *
 * <p>Flag bit 0 says the records are envelope frames (the producer encrypts). Stateless and thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SpillFormat {

    static final byte[] MAGIC = {'F', 'H', 'S', 'P', 'I', 'L', 'L', 1};
    static final int FLAG_ENVELOPE = 1;
    static final int ENTRY_HEADER_BYTES = 8;
    static final int MAX_ENTRY_DATA_BYTES = FirehoseLimits.MAX_RECORD_BYTES;
    /** Firehose stream names have at most 64 characters; a little room for the future. */
    static final int MAX_STREAM_NAME_BYTES = 255;

    private SpillFormat() {}

    /** The header of a new segment. */
    public static byte[] header(String streamName, boolean envelope) {
        byte[] name = streamName.getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > MAX_STREAM_NAME_BYTES) {
            throw new IllegalArgumentException("stream name of " + name.length + " bytes does not fit a spill header");
        }
        ByteBuffer header = ByteBuffer.allocate(headerBytes(name.length));
        header.put(MAGIC)
                .put((byte) (envelope ? FLAG_ENVELOPE : 0))
                .putShort((short) name.length)
                .put(name);
        CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, header.position());
        header.putInt((int) crc.getValue());
        return header.array();
    }

    static int headerBytes(int streamNameBytes) {
        return MAGIC.length + 1 + 2 + streamNameBytes + 4;
    }

    /** Bytes one entry takes in a segment. */
    public static int entryBytes(int dataBytes) {
        return ENTRY_HEADER_BYTES + dataBytes;
    }

    /** Writes one entry at the buffer's position. */
    static void putEntry(ByteBuffer target, byte[] data) {
        int start = target.position();
        target.putInt(data.length);
        target.putInt(0); // the checksum, filled in below
        target.put(data);
        target.putInt(start + 4, entryChecksum(data.length, data, 0));
    }

    /** CRC32C over the 4 length bytes and the data. */
    static int entryChecksum(int length, byte[] data, int offset) {
        CRC32C crc = new CRC32C();
        crc.update(ByteBuffer.allocate(4).putInt(0, length));
        crc.update(data, offset, length);
        return (int) crc.getValue();
    }
}
