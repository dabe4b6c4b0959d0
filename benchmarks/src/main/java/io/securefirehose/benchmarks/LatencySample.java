package io.securefirehose.benchmarks;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/** Send-to-acknowledgement latencies of every {@code every}-th record, up to a fixed number. Thread-safe. */
final class LatencySample {

    private final long first;
    private final int every;
    private final long[] nanos;
    private final AtomicInteger count = new AtomicInteger();

    LatencySample(long records, int capacity) {
        this(records, capacity, 0);
    }

    /** Samples records from index {@code first} on: the ones before it are a new client's start, not its pace. */
    LatencySample(long records, int capacity, long first) {
        this.first = first;
        this.every = (int) Math.max(1, (records - first) / capacity);
        this.nanos = new long[capacity];
    }

    boolean sampled(long index) {
        return index >= first && (index - first) % every == 0;
    }

    void add(long latencyNanos) {
        int slot = count.getAndIncrement();
        if (slot < nanos.length) {
            nanos[slot] = latencyNanos;
        }
    }

    double percentileMillis(double percentile) {
        int n = Math.min(count.get(), nanos.length);
        if (n == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(nanos, n);
        Arrays.sort(sorted);
        int index = (int) Math.min(n - 1, Math.ceil(percentile / 100.0 * n) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
