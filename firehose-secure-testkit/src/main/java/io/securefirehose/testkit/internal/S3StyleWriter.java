package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.zip.GZIPOutputStream;
import org.apiguardian.api.API;

/**
 * Writes one stream's accepted records to a directory the way Firehose writes them to S3: records concatenated
 * with nothing in between, buffered until {@code maxObjectBytes} or {@code maxObjectAge}, then written as one
 * object under {@code <stream>/yyyy/MM/dd/HH/<stream>-1-yyyy-MM-dd-HH-mm-ss-<uuid>} (UTC; {@code .gz} when
 * compressed). Objects appear atomically (written to a temporary name, then moved).
 *
 * <p>Thread-safe: appends from several I/O threads are serialised on this object.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class S3StyleWriter {

    private static final DateTimeFormatter PREFIX =
            DateTimeFormatter.ofPattern("yyyy/MM/dd/HH").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyy-MM-dd-HH-mm-ss").withZone(ZoneOffset.UTC);

    private final Path root;
    private final String stream;
    private final long maxObjectBytes;
    private final Duration maxObjectAge;
    private final boolean gzip;
    private final Clock clock;
    private final List<Path> written = new ArrayList<>();
    private ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    private Instant firstRecordAt = Instant.MIN;

    /**
     * @param root output directory
     * @param stream delivery stream name
     * @param maxObjectBytes buffered bytes that cut an object
     * @param maxObjectAge age of the oldest buffered record that cuts an object
     * @param gzip whether objects are gzip-compressed
     * @param clock clock for object names and ages
     */
    public S3StyleWriter(
            Path root, String stream, long maxObjectBytes, Duration maxObjectAge, boolean gzip, Clock clock) {
        this.root = root;
        this.stream = stream;
        this.maxObjectBytes = maxObjectBytes;
        this.maxObjectAge = maxObjectAge;
        this.gzip = gzip;
        this.clock = clock;
    }

    /** Appends accepted records; writes an object if the size threshold is reached. */
    public synchronized void append(List<byte[]> records) {
        if (buffer.size() == 0) {
            firstRecordAt = clock.instant();
        }
        for (byte[] record : records) {
            buffer.write(record, 0, record.length);
        }
        if (buffer.size() >= maxObjectBytes) {
            writeObject();
        }
    }

    /** Writes an object if the oldest buffered record is older than the age threshold. */
    public synchronized void cutIfOld() {
        if (buffer.size() > 0 && !clock.instant().isBefore(firstRecordAt.plus(maxObjectAge))) {
            writeObject();
        }
    }

    /** Writes whatever is buffered as an object. */
    public synchronized void flush() {
        if (buffer.size() > 0) {
            writeObject();
        }
    }

    /** @return objects written so far, oldest first */
    public synchronized List<Path> objects() {
        return List.copyOf(written);
    }

    private void writeObject() {
        Instant now = clock.instant();
        Path directory = root.resolve(stream).resolve(PREFIX.format(now));
        String name = stream + "-1-" + STAMP.format(now) + "-" + UUID.randomUUID() + (gzip ? ".gz" : "");
        try {
            Files.createDirectories(directory);
            Path temporary = directory.resolve("." + name + ".tmp");
            try (OutputStream out = open(temporary)) {
                buffer.writeTo(out);
            }
            Path target = directory.resolve(name);
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            written.add(target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write delivered object for stream " + stream, e);
        }
        buffer = new ByteArrayOutputStream();
    }

    private OutputStream open(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        return gzip ? new GZIPOutputStream(out, 64 * 1024) : out;
    }
}
