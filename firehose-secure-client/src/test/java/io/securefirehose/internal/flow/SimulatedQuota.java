package io.securefirehose.internal.flow;

/** A stream's bytes-per-second quota on a simulated clock: a token bucket that holds one second of it. */
final class SimulatedQuota {

    private static final long SECOND = 1_000_000_000L;

    private final long bytesPerSecond;
    private double tokens;
    private long last;

    SimulatedQuota(long bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.tokens = bytesPerSecond;
    }

    /** Whether a call of {@code bytes} at {@code now} (nanoseconds) is within the quota; takes its tokens if so. */
    boolean admit(long bytes, long now) {
        tokens = Math.min(bytesPerSecond, tokens + (now - last) * (double) bytesPerSecond / SECOND);
        last = now;
        if (tokens < bytes) {
            return false;
        }
        tokens -= bytes;
        return true;
    }
}
