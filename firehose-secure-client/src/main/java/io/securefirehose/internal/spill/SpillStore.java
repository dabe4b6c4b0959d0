package io.securefirehose.internal.spill;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.Spill;
import io.securefirehose.internal.text.Printable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spill directory of one producer: an exclusive lock, segment files written in {@link SpillFormat}, and the
 * bytes they take. Appends are forced to disk before they return, so a record reported as spilled survives a
 * crash. Opened at build; after that every method but the statistics runs on the producer's scheduler thread.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SpillStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.SPILL);
    private static final String LOCK_FILE = "spill.lock";

    private static final long SEGMENT_TARGET_BYTES = 8L << 20;

    private final Path directory;
    private final PrivateDirectory files;
    private final UnaryOperator<FileChannel> segmentChannels;
    private final String streamName;
    private final boolean envelope;
    private final long maxBytes;
    private final long segmentTargetBytes;
    private final byte[] header;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final AtomicLong bytesOnDisk = new AtomicLong();
    private final LongAdder spilledRecords = new LongAdder();
    private final LongAdder refusedRecords = new LongAdder();
    private final LongAdder damagedSegments = new LongAdder();
    private long nextSequence;

    private @Nullable FileChannel active;
    private @Nullable Path activePath;
    private long activeBytes;
    private int activeEntries;

    private SpillStore(
            Spill settings,
            PrivateDirectory files,
            String streamName,
            boolean envelope,
            FileChannel lockChannel,
            FileLock lock,
            UnaryOperator<FileChannel> segmentChannels) {
        this.directory = settings.directory();
        this.files = files;
        this.streamName = streamName;
        this.envelope = envelope;
        this.maxBytes = settings.maxBytes();
        this.segmentTargetBytes = Math.min(SEGMENT_TARGET_BYTES, settings.maxBytes() / 4);
        this.header = SpillFormat.header(streamName, envelope);
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.segmentChannels = segmentChannels;
    }

    /**
     * Opens (creating if needed) and locks the directory and checks the segments a previous producer left.
     *
     * @param settings the spill settings
     * @param streamName the producer's stream; segments for another stream are refused
     * @param envelope whether the producer encrypts; it then refuses segments of unencrypted records
     * @throws IllegalStateException if the directory is not private to this user ({@link PrivateDirectory}), another
     *     producer holds it, or a segment breaks a rule
     * @throws UncheckedIOException if the directory cannot be created, read or locked
     */
    public static SpillStore open(Spill settings, String streamName, boolean envelope) {
        return open(settings, streamName, envelope, UnaryOperator.identity());
    }

    /**
     * As {@link #open(Spill, String, boolean)}, with every new segment's channel passed through {@code segments}
     * (tests wrap it to see the writes and forces).
     */
    static SpillStore open(Spill settings, String streamName, boolean envelope, UnaryOperator<FileChannel> segments) {
        Path directory = settings.directory();
        FileChannel lockChannel = null;
        boolean opened = false;
        try {
            PrivateDirectory files = PrivateDirectory.createOrCheck(directory, "spill directory", null);
            lockChannel = files.openOrCreateOwnerOnly(LOCK_FILE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException held) {
                lock = null;
            }
            if (lock == null) {
                throw new IllegalStateException("spill directory " + directory + " is in use by another producer (it"
                        + " holds " + LOCK_FILE + "): give each producer a directory of its own");
            }
            SpillStore store = new SpillStore(settings, files, streamName, envelope, lockChannel, lock, segments);
            store.checkLeftSegments();
            opened = true;
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open spill directory " + directory + ": " + e.getMessage(), e);
        } finally {
            if (!opened && lockChannel != null) {
                try {
                    lockChannel.close(); // also releases the lock
                } catch (IOException e) {
                    LOG.warn("closing the spill lock file failed: {}", e.toString());
                }
            }
        }
    }

    /**
     * Refuses segments of another stream or (when encrypting) of unencrypted records; sets aside broken ones, and
     * files whose name is not a segment name this store could have written (so they can neither crash the start
     * nor push the numbering past {@link SegmentNames#MAX_SEQUENCE}).
     */
    private void checkLeftSegments() throws IOException {
        long total = 0;
        long highest = 0;
        for (Path file : listFiles()) {
            String fileName = String.valueOf(file.getFileName());
            if (fileName.endsWith(SegmentNames.DAMAGED)) {
                Long damaged = SegmentNames.sequenceOf(fileName);
                highest = Math.max(highest, damaged == null ? 0 : damaged);
                continue;
            }
            Long sequence = SegmentNames.sequenceOf(fileName);
            if (sequence == null) {
                quarantine(
                        file,
                        "its name is not segment-<sequence of 20 digits up to " + SegmentNames.MAX_SEQUENCE
                                + ">.spill");
                continue;
            }
            highest = Math.max(highest, sequence);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                quarantine(file, "it is not a regular file (a link or a directory is never followed)");
                continue;
            }
            long size = Files.size(file);
            SpillSegmentReader.Content start;
            try {
                start = SpillSegmentReader.readHeaderOnly(SpillSegmentReader.startOf(file));
            } catch (SpillSegmentReader.SpillFormatException e) {
                if (size < header.length + SpillFormat.ENTRY_HEADER_BYTES) {
                    // Created but cut short before its header was on disk: it never held an acknowledged record.
                    Files.delete(file);
                    LOG.info("deleted spill segment {} that a crash cut short before its first record", file);
                } else {
                    quarantine(file, e.getMessage());
                }
                continue;
            }
            if (!start.streamName().equals(streamName)) {
                throw new IllegalStateException("spill segment " + file + " holds records for stream '"
                        + Printable.of(start.streamName()) + "', not '" + streamName
                        + "': give each stream's producer its own"
                        + " spill directory, and replay that one with a producer for its stream");
            }
            if (envelope && !start.envelope()) {
                throw new IllegalStateException("spill segment " + file + " holds unencrypted records, and this"
                        + " producer encrypts, so replaying them would send plaintext: replay them with the producer"
                        + " configuration that wrote them (without envelope encryption), or move the file away");
            }
            total += size;
        }
        bytesOnDisk.set(total);
        nextSequence = highest + 1;
    }

    private List<Path> listFiles() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory, "segment-*")) {
            for (Path entry : entries) {
                files.add(entry);
            }
        }
        files.sort(null);
        return files;
    }

    /**
     * Appends records and forces them to disk. Records that would push the directory over {@code maxBytes}, or
     * whose write failed, are refused with the reason; the others get their spill id.
     */
    public AppendResult append(List<byte[]> records) {
        AppendResult result = new AppendResult(records.size());
        int from = 0;
        while (from < records.size()) {
            from = appendToOneSegment(records, from, result);
        }
        return result;
    }

    /** Appends as many records as fit into the active segment (opening one if needed); returns the next index. */
    private int appendToOneSegment(List<byte[]> records, int from, AppendResult result) {
        int end = from;
        long bytes = 0;
        long budget = maxBytes - bytesOnDisk.get() - (active == null ? header.length : 0);
        List<Integer> accepted = new ArrayList<>();
        while (end < records.size()) {
            int size = SpillFormat.entryBytes(records.get(end).length);
            long segmentBytes = active == null ? header.length : activeBytes;
            boolean segmentFull =
                    (activeEntries > 0 || !accepted.isEmpty()) && segmentBytes + bytes + size > segmentTargetBytes;
            if (segmentFull) {
                break;
            }
            if (bytes + size > budget) {
                result.refusals[end] = "the spill directory holds " + bytesOnDisk.get() + " bytes and this record"
                        + " needs " + size + " more, over spill maxBytes=" + maxBytes;
                refusedRecords.increment();
            } else {
                accepted.add(end);
                bytes += size;
            }
            end++;
        }
        if (accepted.isEmpty()) {
            if (end < records.size()) {
                closeActive(); // the segment is full; the next loop opens a new one
            }
            return end;
        }
        ByteBuffer buffer = ByteBuffer.allocate(Math.toIntExact(bytes));
        for (int index : accepted) {
            SpillFormat.putEntry(buffer, records.get(index));
        }
        buffer.flip();
        try {
            FileChannel channel = activeChannel();
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
            channel.force(false);
            String segment = String.valueOf(activePath == null ? "" : activePath.getFileName());
            for (int index : accepted) {
                result.ids[index] = "spill:" + segment + ":" + activeEntries++;
            }
            activeBytes += bytes;
            bytesOnDisk.addAndGet(bytes);
            spilledRecords.add(accepted.size());
        } catch (IOException e) {
            String reason = "writing to spill directory " + directory + " failed: " + e;
            for (int index : accepted) {
                result.refusals[index] = reason;
            }
            refusedRecords.add(accepted.size());
            LOG.warn("stream {}: {}", streamName, reason);
            abandonActive();
        }
        if (end < records.size()) {
            closeActive(); // the loop above stopped because the segment is full
        }
        return end;
    }

    private FileChannel activeChannel() throws IOException {
        FileChannel channel = active;
        if (channel != null) {
            return channel;
        }
        if (nextSequence > SegmentNames.MAX_SEQUENCE) {
            throw new IOException("the spill directory's segment numbering reached " + SegmentNames.MAX_SEQUENCE
                    + ": replay or move its segments away");
        }
        String fileName = SegmentNames.of(nextSequence++);
        Path path = directory.resolve(fileName);
        FileChannel created;
        try {
            // Owner-only from the system call that creates it: no moment with the default permissions.
            created = segmentChannels.apply(files.createOwnerOnly(fileName));
        } catch (FileAlreadyExistsException e) {
            throw new IOException("spill segment " + path + " already exists", e);
        }
        boolean ready = false;
        try {
            created.write(ByteBuffer.wrap(header));
            created.force(true);
            files.forceNames();
            ready = true;
        } finally {
            if (!ready) {
                created.close();
                Files.deleteIfExists(path);
            }
        }
        active = created;
        activePath = path;
        activeBytes = header.length;
        activeEntries = 0;
        bytesOnDisk.addAndGet(header.length);
        return created;
    }

    /** Ends the active segment, so that it can be replayed; the next append starts a new one. */
    void closeActive() {
        FileChannel channel = active;
        active = null;
        activePath = null;
        activeBytes = 0;
        activeEntries = 0;
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing spill segment failed: {}", e.toString());
            }
        }
    }

    /**
     * After a failed write the segment's end is unknown: what was forced before stays readable, and the reader
     * treats a partial entry at the end as a torn tail. The byte count is taken from the files again.
     */
    private void abandonActive() {
        closeActive();
        try {
            long total = 0;
            for (Path file : listFiles()) {
                if (SegmentNames.isLive(file)) {
                    total += Files.size(file);
                }
            }
            bytesOnDisk.set(total);
        } catch (IOException e) {
            LOG.warn("counting the spill directory's bytes failed: {}", e.toString());
        }
    }

    /** Whether any segment (finished or active) exists. */
    public boolean hasSegments() {
        return bytesOnDisk.get() > 0;
    }

    /** The oldest segment to replay, ending the active one if it is the only one left; {@code null} if none. */
    @Nullable
    public Path oldestSegment(Set<Path> skip) {
        try {
            for (Path file : listFiles()) {
                if (SegmentNames.isLive(file) && !skip.contains(file)) {
                    if (file.equals(activePath)) {
                        closeActive();
                    }
                    return file;
                }
            }
        } catch (IOException e) {
            LOG.warn("listing spill directory {} failed: {}", directory, e.toString());
        }
        return null;
    }

    /**
     * Reads a whole segment, checked again now, whatever the check at start found: a file that is not a regular
     * file, is too large to be a segment, whose header is not one, that holds another stream's records or (when
     * this producer encrypts) unencrypted records is set aside and reported, never replayed.
     *
     * @return its content, or {@code null} if it was set aside or could not be read
     */
    public SpillSegmentReader.@Nullable Content read(Path segment) {
        try {
            if (!Files.isRegularFile(segment, LinkOption.NOFOLLOW_LINKS)) {
                quarantine(segment, "it is not a regular file (a link or a directory is never followed)");
                return null;
            }
            long size = Files.size(segment);
            long largest = segmentTargetBytes
                    + SpillFormat.entryBytes(SpillFormat.MAX_ENTRY_DATA_BYTES)
                    + SpillSegmentReader.maxHeaderBytes();
            if (size > largest) {
                quarantine(segment, size + " bytes, more than a segment can hold (" + largest + ")");
                return null;
            }
            SpillSegmentReader.Content content = SpillSegmentReader.read(SpillSegmentReader.bytesOf(segment));
            if (!content.streamName().equals(streamName)) {
                quarantine(
                        segment,
                        "it holds records for stream '" + Printable.of(content.streamName()) + "', not '" + streamName
                                + "'");
                return null;
            }
            if (envelope && !content.envelope()) {
                quarantine(segment, "it holds unencrypted records and this producer encrypts");
                return null;
            }
            return content;
        } catch (SpillSegmentReader.SpillFormatException e) {
            quarantine(segment, e.getMessage());
            return null;
        } catch (IOException e) {
            LOG.warn("reading spill segment {} failed: {}", segment, e.toString());
            return null;
        }
    }

    /** Deletes a segment whose records were all delivered or spilled again. */
    public void delete(Path segment) {
        try {
            long size = Files.size(segment);
            Files.delete(segment);
            bytesOnDisk.updateAndGet(b -> Math.max(0, b - size));
            files.forceNames();
        } catch (IOException e) {
            LOG.warn("deleting replayed spill segment {} failed: {}", segment, e.toString());
        }
    }

    /**
     * Renames a segment that may not be replayed (damaged, foreign, or not a segment) to {@code *.damaged}, kept
     * for a person to look at; counted and logged at ERROR.
     */
    public void quarantine(Path segment, @Nullable String reason) {
        damagedSegments.increment();
        try {
            long size = Files.isRegularFile(segment, LinkOption.NOFOLLOW_LINKS) ? Files.size(segment) : 0;
            Path target = segment.resolveSibling(segment.getFileName() + SegmentNames.DAMAGED);
            Files.move(segment, target, StandardCopyOption.ATOMIC_MOVE);
            bytesOnDisk.updateAndGet(b -> Math.max(0, b - size));
            files.forceNames();
            LOG.error(
                    "stream {}: spill segment {} is damaged ({}); renamed to {} and no longer replayed",
                    streamName,
                    segment,
                    reason,
                    target.getFileName());
        } catch (IOException e) {
            LOG.error(
                    "stream {}: spill segment {} is damaged ({}) and could not be set aside: {}",
                    streamName,
                    segment,
                    reason,
                    e.toString());
        }
    }

    /** @return bytes the segments take now; any thread */
    public long bytesOnDisk() {
        return bytesOnDisk.get();
    }

    /** @return records written so far; any thread */
    public long spilledRecords() {
        return spilledRecords.sum();
    }

    /** @return records that could not be spilled (directory full, write failed); any thread */
    public long refusedRecords() {
        return refusedRecords.sum();
    }

    /** @return segments set aside as damaged; any thread */
    public long damagedSegments() {
        return damagedSegments.sum();
    }

    @Override
    public void close() {
        closeActive();
        try {
            lock.release();
        } catch (IOException e) {
            LOG.warn("releasing the spill lock failed: {}", e.toString());
        }
        try {
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("closing the spill lock file failed: {}", e.toString());
        }
    }
}
