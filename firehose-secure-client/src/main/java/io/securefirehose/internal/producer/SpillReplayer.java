package io.securefirehose.internal.producer;

import io.securefirehose.LoggerNames;
import io.securefirehose.RecordReceipt;
import io.securefirehose.errors.ServerSideEncryptionRequiredException;
import io.securefirehose.internal.spill.SpillSegmentReader;
import io.securefirehose.internal.spill.SpillStore;
import io.securefirehose.time.TaskScheduler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends spilled records again, one segment at a time, oldest first: at start, when a call succeeds, and every
 * replay interval while segments are left. A segment is deleted once each of its records was acknowledged or
 * spilled again (into a newer segment); if some were spilled again, Firehose is still unwell, so replay pauses
 * until the next success or interval. A segment with a record that failed for good stays on disk until the next
 * start. Runs on the producer's scheduler thread.
 */
final class SpillReplayer implements ProducerMeters.SpillStatistics {

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    /** Hands replayed records to the sender, which sends them like retries. */
    interface Injector {
        void inject(List<PendingRecord> records);
    }

    private final String streamName;
    private final SpillStore store;
    private final TaskScheduler scheduler;
    private final Injector injector;
    private final long deliveryTimeoutNanos;
    private final long intervalNanos;
    private final Set<Path> keptUntilRestart = new HashSet<>();
    private final LongAdder replayed = new LongAdder();
    private @Nullable Replay current;
    private boolean stepQueued;
    private boolean stopped;
    // Whether a segment may be waiting; spares a directory listing on every successful call once all is replayed.
    private boolean mayHaveSegments;

    /** The segment being replayed and how its records fared so far. */
    private static final class Replay {
        final Path segment;
        final SpillSegmentReader.Damage damage;
        int open;
        int respilled;
        int failed;

        Replay(Path segment, SpillSegmentReader.Damage damage, int records) {
            this.segment = segment;
            this.damage = damage;
            this.open = records;
        }
    }

    SpillReplayer(
            String streamName,
            SpillStore store,
            TaskScheduler scheduler,
            Injector injector,
            long deliveryTimeoutNanos,
            long intervalNanos) {
        this.streamName = streamName;
        this.store = store;
        this.scheduler = scheduler;
        this.injector = injector;
        this.deliveryTimeoutNanos = deliveryTimeoutNanos;
        this.intervalNanos = intervalNanos;
    }

    /** Replays what a previous producer left, then keeps checking every interval. */
    void start() {
        mayHaveSegments = store.hasSegments();
        queueStep();
        schedulePeriodic();
    }

    /** A call succeeded: Firehose is reachable, so replay if anything is waiting. Scheduler thread. */
    void deliverySucceeded() {
        replayIfWaiting();
    }

    private void replayIfWaiting() {
        if (current == null && !stopped && mayHaveSegments) {
            queueStep();
        }
    }

    /** Records were just spilled: there is a segment to replay once Firehose answers. Scheduler thread. */
    void spilled() {
        mayHaveSegments = true;
    }

    /** No more segments are started; the one under way stays on disk if close fails its records. */
    void stop() {
        stopped = true;
    }

    /** Records acknowledged by Firehose after being replayed; any thread. */
    @Override
    public long replayedRecords() {
        return replayed.sum();
    }

    @Override
    public long spilledRecords() {
        return store.spilledRecords();
    }

    @Override
    public long refusedRecords() {
        return store.refusedRecords();
    }

    @Override
    public long damagedSegments() {
        return store.damagedSegments();
    }

    @Override
    public long bytesOnDisk() {
        return store.bytesOnDisk();
    }

    private void schedulePeriodic() {
        try {
            scheduler.schedule(
                    () -> {
                        if (!stopped) {
                            replayIfWaiting();
                            schedulePeriodic();
                        }
                    },
                    intervalNanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The producer is closing.
        }
    }

    /** Runs the next step as a task of its own, never inside the sender's handling of a response. */
    private void queueStep() {
        if (stepQueued) {
            return;
        }
        stepQueued = true;
        try {
            scheduler.execute(() -> {
                stepQueued = false;
                step();
            });
        } catch (RejectedExecutionException shuttingDown) {
            stepQueued = false;
        }
    }

    // The callback only counts the outcome; the future whenComplete returns has nothing to add.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void step() {
        while (!stopped && current == null) {
            Path segment = store.oldestSegment(keptUntilRestart);
            if (segment == null) {
                mayHaveSegments = false;
                return;
            }
            SpillSegmentReader.Content content = store.read(segment);
            if (content == null) {
                keptUntilRestart.add(segment); // set aside as damaged, or unreadable for now
                continue;
            }
            if (content.records().isEmpty()) {
                finish(segment, content.damage());
                continue;
            }
            Replay replay =
                    new Replay(segment, content.damage(), content.records().size());
            current = replay;
            long now = scheduler.nanoTime();
            List<PendingRecord> records = new ArrayList<>(content.records().size());
            for (byte[] data : content.records()) {
                PendingRecord record = PendingRecord.replayed(data, now, now + deliveryTimeoutNanos);
                record.whenComplete((receipt, error) -> settled(replay, receipt, error));
                records.add(record);
            }
            LOG.info(
                    "stream {}: replaying {} spilled record(s) from {}",
                    streamName,
                    records.size(),
                    segment.getFileName());
            injector.inject(records);
        }
    }

    private void settled(Replay replay, @Nullable RecordReceipt receipt, @Nullable Throwable error) {
        if (error instanceof ServerSideEncryptionRequiredException) {
            // Firehose stored it (without encryption at rest, which is logged); replaying it again would store it
            // again, so it counts as delivered.
            replayed.increment();
        } else if (error != null) {
            replay.failed++;
        } else if (receipt != null && receipt.spilled()) {
            replay.respilled++;
        } else {
            replayed.increment();
        }
        if (--replay.open > 0) {
            return;
        }
        current = null;
        if (replay.failed > 0) {
            keptUntilRestart.add(replay.segment);
            if (!stopped) {
                LOG.warn(
                        "stream {}: {} replayed record(s) of {} failed; the segment stays for the next start",
                        streamName,
                        replay.failed,
                        replay.segment.getFileName());
            }
            return;
        }
        finish(replay.segment, replay.damage);
        if (replay.respilled == 0) {
            queueStep();
        }
    }

    /** Deletes (or sets aside) a replayed segment; one that cannot be is not replayed again in this run. */
    private void finish(Path segment, SpillSegmentReader.Damage damage) {
        finishOnDisk(segment, damage);
        if (Files.exists(segment)) {
            keptUntilRestart.add(segment);
        }
    }

    private void finishOnDisk(Path segment, SpillSegmentReader.Damage damage) {
        if (damage == SpillSegmentReader.Damage.CORRUPT) {
            store.quarantine(segment, "an entry failed its checksum; the entries before it were replayed");
            return;
        }
        if (damage == SpillSegmentReader.Damage.TORN_TAIL) {
            LOG.info(
                    "stream {}: spill segment {} ended inside an entry (a crash while appending, before that"
                            + " record was acknowledged); the entries before it were replayed",
                    streamName,
                    segment.getFileName());
        }
        store.delete(segment);
    }
}
