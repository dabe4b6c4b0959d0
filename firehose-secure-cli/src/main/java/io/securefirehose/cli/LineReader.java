package io.securefirehose.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.BooleanSupplier;

/**
 * Splits a stream into one record per line, reading it in blocks: each record is copied once, from the line
 * buffer into an array of its exact size. At most {@code maxRecordBytes} of a line are held; a longer line is read
 * to its end without being kept and reported as too large with its size, and the lines around it go on as usual.
 * Not thread-safe: one reader per stream, on the reading thread.
 */
final class LineReader {

    /** Where the lines go. */
    interface Sink {
        /** @param record one line, with its {@code \n} unless newlines are stripped */
        void record(byte[] record);

        /**
         * @param lineNumber the line's number, from 1
         * @param bytes the line's size as a record would have it
         */
        void tooLarge(long lineNumber, long bytes);
    }

    private final InputStream in;
    private final boolean stripNewlines;
    private final int maxRecordBytes;
    private final byte[] block;
    private byte[] line = new byte[8 * 1024];
    private int lineLength;
    private long lineBytes;
    private boolean overlong;
    private long lineNumber = 1;

    /**
     * @param in the stream, read in blocks of {@code blockBytes}
     * @param stripNewlines whether to drop each line's {@code \n} (and a {@code \r} before it)
     * @param maxRecordBytes the largest line kept
     * @param blockBytes how much one read asks for
     */
    LineReader(InputStream in, boolean stripNewlines, int maxRecordBytes, int blockBytes) {
        this.in = in;
        this.stripNewlines = stripNewlines;
        this.maxRecordBytes = maxRecordBytes;
        this.block = new byte[blockBytes];
    }

    /**
     * Reads to the end of the stream, or until {@code stop} says so (asked once per line and per block).
     *
     * @param sink where each line goes
     * @param stop whether to stop reading
     * @throws IOException if the stream fails
     */
    void readAll(Sink sink, BooleanSupplier stop) throws IOException {
        int read;
        while (!stop.getAsBoolean() && (read = in.read(block)) != -1) {
            int start = 0;
            for (int i = 0; i < read; i++) {
                if (block[i] == '\n') {
                    keep(start, i - start);
                    lineBytes++;
                    endLine(sink);
                    start = i + 1;
                    if (stop.getAsBoolean()) {
                        return;
                    }
                }
            }
            keep(start, read - start);
        }
        if (stop.getAsBoolean()) {
            return;
        }
        if (overlong) {
            sink.tooLarge(lineNumber, lineBytes);
        } else if (lineLength > 0) {
            sink.record(Arrays.copyOf(line, lineLength));
        }
    }

    /** Adds {@code length} bytes of the block at {@code from} to the line, unless it is already too long. */
    private void keep(int from, int length) {
        lineBytes += length;
        if (overlong || length == 0) {
            return;
        }
        if (lineLength + length > maxRecordBytes) {
            overlong = true; // more than any record: stop keeping it
            lineLength = 0;
            return;
        }
        if (lineLength + length > line.length) {
            line = Arrays.copyOf(line, Math.min(maxRecordBytes + 1, Math.max(line.length * 2, lineLength + length)));
        }
        System.arraycopy(block, from, line, lineLength, length);
        lineLength += length;
    }

    private void endLine(Sink sink) {
        if (overlong) {
            sink.tooLarge(lineNumber, stripNewlines ? lineBytes - 1 : lineBytes);
        } else if (stripNewlines) {
            int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
            sink.record(Arrays.copyOf(line, length));
        } else {
            byte[] record = Arrays.copyOf(line, lineLength + 1);
            record[lineLength] = '\n';
            sink.record(record);
        }
        lineLength = 0;
        lineBytes = 0;
        overlong = false;
        lineNumber++;
    }
}
