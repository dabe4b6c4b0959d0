package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Opt-in spill to disk for outages longer than {@code deliveryTimeout}. A record that would fail with a retriable
 * cause (its {@code deliveryTimeout} passed, or {@code close} gave up on it) is appended to a segment file in
 * {@link #directory()} instead, and its future completes with a receipt whose {@link RecordReceipt#spilled()} is
 * {@code true}. The producer replays spilled records when a call succeeds again, every {@link #replayInterval()}
 * while any are left, and when a producer next starts on the directory; a segment is deleted once each of its
 * records was acknowledged or spilled again.
 *
 * <ul>
 *   <li>Crash-safe: a record's future completes only after its entry is forced to disk; each entry carries a
 *       CRC32C, and a segment cut short by a crash yields every entry written before the cut.
 *   <li>Bounded: at most {@link #maxBytes()} of segments; a record that does not fit fails with its original
 *       cause, with the reason attached.
 *   <li>Never plaintext when encryption is configured: what is spilled is the record exactly as it would go to
 *       Firehose, so with envelope encryption it is the sealed frame. A producer with encryption refuses to start
 *       on a directory holding unencrypted records, and sets aside (never sends) such a segment found later.
 *   <li>Plaintext at rest only when asked for: a producer without envelope encryption refuses to build with a
 *       spill unless {@link #allowPlaintext()} says that records may lie on disk unencrypted.
 *   <li>Private: the directory is created {@code 0700}; an existing one must be a real directory owned by the
 *       user running the producer and not writable by group or others; segments are created {@code 0600}.
 *   <li>One producer per directory (a file lock), and only for the stream the segments were written for; every
 *       segment is checked again each time it is replayed.
 * </ul>
 *
 * <p>Delivery stays at least once: a record replayed after a crash may be stored twice. The segment format is
 * specified in {@code docs/spill.md}. Immutable and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class Spill {

    /** Default bound of the spill directory: 1 GiB. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    /** Smallest {@code maxBytes}: 4 MiB, room for a few of the largest records. */
    public static final long MIN_MAX_BYTES = 4L << 20;

    /** Default time between replay attempts while spilled records are left: 30 seconds. */
    public static final Duration DEFAULT_REPLAY_INTERVAL = Duration.ofSeconds(30);

    private final Path directory;
    private final long maxBytes;
    private final Duration replayInterval;
    private final boolean plaintextAllowed;

    private Spill(Path directory, long maxBytes, Duration replayInterval, boolean plaintextAllowed) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.replayInterval = replayInterval;
        this.plaintextAllowed = plaintextAllowed;
    }

    /** The same settings in another directory: a client gives each of its streams one under its own. */
    Spill inDirectory(Path other) {
        return new Spill(other, maxBytes, replayInterval, plaintextAllowed);
    }

    /**
     * Spills into a directory, created at {@code build()} if missing (readable by the owner only).
     *
     * @param directory where segment files go; one producer at a time may use it
     * @return settings with the default bound and replay interval
     */
    public static Spill toDirectory(Path directory) {
        Objects.requireNonNull(directory, "spill directory must not be null");
        return new Spill(directory.toAbsolutePath().normalize(), DEFAULT_MAX_BYTES, DEFAULT_REPLAY_INTERVAL, false);
    }

    /**
     * The most bytes the directory's segments may take.
     *
     * @param bytes at least {@link #MIN_MAX_BYTES}
     * @return settings with that bound
     */
    public Spill maxBytes(long bytes) {
        if (bytes < MIN_MAX_BYTES) {
            throw new IllegalArgumentException(
                    "spill maxBytes must be at least " + MIN_MAX_BYTES + " (4 MiB), was " + bytes);
        }
        return new Spill(directory, bytes, replayInterval, plaintextAllowed);
    }

    /**
     * How often to try replaying while spilled records are left and no call has succeeded since.
     *
     * @param interval more than zero
     * @return settings with that interval
     */
    public Spill replayInterval(Duration interval) {
        Objects.requireNonNull(interval, "spill replayInterval must not be null");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("spill replayInterval must be more than zero, was " + interval);
        }
        return new Spill(directory, maxBytes, interval, plaintextAllowed);
    }

    /**
     * Accepts that, without envelope encryption, spilled records lie on disk as plaintext (protected only by the
     * directory's permissions). Without this a producer that does not encrypt refuses to build with a spill.
     *
     * @return settings that allow plaintext segments
     */
    public Spill allowPlaintext() {
        return new Spill(directory, maxBytes, replayInterval, true);
    }

    /** @return whether plaintext segments were allowed with {@link #allowPlaintext()} */
    public boolean plaintextAllowed() {
        return plaintextAllowed;
    }

    /** @return the spill directory, absolute */
    public Path directory() {
        return directory;
    }

    /** @return the bound of the directory's segments, in bytes */
    public long maxBytes() {
        return maxBytes;
    }

    /** @return time between replay attempts while spilled records are left */
    public Duration replayInterval() {
        return replayInterval;
    }

    @Override
    public String toString() {
        return "spill to " + directory + " up to " + maxBytes + " bytes, replay every " + replayInterval
                + (plaintextAllowed ? ", plaintext allowed" : "");
    }
}
