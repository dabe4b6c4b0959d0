package io.securefirehose.benchmarks;

import java.util.concurrent.locks.LockSupport;

/**
 * When a workload sends each record: as fast as it is allowed ({@link #unpaced()}), or at a fixed offered rate
 * ({@link #fixedRate}), open loop: record {@code i} is due {@code i / rate} seconds after the first, whether or not
 * the ones before it were sent on time, so a sender that falls behind shows it in the latency measured from the due
 * time instead of hiding it (no coordinated omission). Used by one sending thread.
 */
final class Pacer {

    private final double nanosPerRecord;
    private long start;

    private Pacer(double nanosPerRecord) {
        this.nanosPerRecord = nanosPerRecord;
    }

    static Pacer unpaced() {
        return new Pacer(0);
    }

    static Pacer fixedRate(double recordsPerSecond) {
        if (!(recordsPerSecond > 0)) {
            throw new IllegalArgumentException("a fixed rate must be positive, was " + recordsPerSecond);
        }
        return new Pacer(1e9 / recordsPerSecond);
    }

    boolean paced() {
        return nanosPerRecord > 0;
    }

    /**
     * Waits until record {@code index} is due (parking, never spinning: a spinning sender would take a core from
     * the client it measures) and returns when it was due, in {@link System#nanoTime()}; unpaced, returns 0 at once.
     */
    long awaitDue(long index) {
        if (nanosPerRecord == 0) {
            return 0;
        }
        if (index == 0) {
            start = System.nanoTime();
            return start;
        }
        long due = start + (long) (index * nanosPerRecord);
        for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
            LockSupport.parkNanos(wait);
        }
        return due;
    }

    /** When a sampled record counts as sent: its due time when paced, now otherwise. */
    long sentAt(long due) {
        return paced() ? due : System.nanoTime();
    }
}
