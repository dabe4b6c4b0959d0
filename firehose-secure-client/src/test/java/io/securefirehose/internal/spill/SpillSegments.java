package io.securefirehose.internal.spill;

import java.nio.ByteBuffer;
import java.util.List;

/** Whole spill segments written in memory, the way the store writes them, for tests. */
public final class SpillSegments {

    private SpillSegments() {}

    /**
     * A segment's bytes: the header and one entry per record, in order.
     *
     * @param stream the stream the header names
     * @param envelope the header's envelope flag
     * @param records the entries
     * @return the file's bytes
     */
    public static byte[] of(String stream, boolean envelope, List<byte[]> records) {
        byte[] header = SpillFormat.header(stream, envelope);
        int size = header.length;
        for (byte[] record : records) {
            size += SpillFormat.entryBytes(record.length);
        }
        ByteBuffer file = ByteBuffer.allocate(size).put(header);
        for (byte[] record : records) {
            SpillFormat.putEntry(file, record);
        }
        return file.array();
    }
}
