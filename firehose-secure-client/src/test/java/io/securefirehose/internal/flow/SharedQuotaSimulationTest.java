package io.securefirehose.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Eight producers, each with its own rate controller and nothing shared but the stream's quota (separate hosts on one
 * stream), on a simulated clock: each always has records to send, in batches of at most 500 KiB, five calls in flight,
 * a 20 ms round trip; the last one starts a minute late. With batches sealed at a tenth of a second of the limit
 * ({@link RateController#callBytes}), few calls are throttled, the quota is used and shared fairly, and the late
 * producer gets its share; with full batches, the same controllers see a large share of their calls throttled.
 * Deterministic: no thread, no real time, a fixed number of one-millisecond steps.
 */
class SharedQuotaSimulationTest {

    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000 * MILLI;
    private static final long QUOTA_BYTES_PER_SECOND = 2L << 20;
    private static final long RECORD_BYTES = 1024;
    private static final long FULL_BATCH_BYTES = 500 * RECORD_BYTES;
    private static final long ROUND_TRIP = 20 * MILLI;
    private static final int IN_FLIGHT = 5;
    private static final int PRODUCERS = 8;
    private static final long LATE_START = 60 * SECOND;
    private static final long RUN = 180 * SECOND;
    private static final long MEASURE_FROM = 120 * SECOND;

    /** What the last minute of a run measured. */
    private record Outcome(long calls, long throttled, long[] acceptedBytes) {
        double throttledShare() {
            return (double) throttled / calls;
        }

        double goodputShareOfQuota() {
            long sum = 0;
            for (long bytes : acceptedBytes) {
                sum += bytes;
            }
            return sum / ((RUN - MEASURE_FROM) / (double) SECOND) / QUOTA_BYTES_PER_SECOND;
        }

        double jain() {
            double sum = 0;
            double squares = 0;
            for (long bytes : acceptedBytes) {
                sum += bytes;
                squares += (double) bytes * bytes;
            }
            return sum * sum / (acceptedBytes.length * squares);
        }

        double lateShareOfFair() {
            double fair = QUOTA_BYTES_PER_SECOND * ((RUN - MEASURE_FROM) / (double) SECOND) / PRODUCERS;
            return acceptedBytes[PRODUCERS - 1] / fair;
        }

        @Override
        public String toString() {
            return String.format(
                    "throttled %.3f of %d calls, goodput %.3f of the quota, Jain %.3f, late producer %.2f of its share",
                    throttledShare(), calls, goodputShareOfQuota(), jain(), lateShareOfFair());
        }
    }

    private record Call(long sentAt, long answerAt, long bytes, boolean accepted) {}

    private static Outcome run(boolean capBatches) {
        SimulatedQuota quota = new SimulatedQuota(QUOTA_BYTES_PER_SECOND);
        RateController[] rates = new RateController[PRODUCERS];
        List<Deque<Call>> inFlight = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            rates[p] = new RateController(true);
            inFlight.add(new ArrayDeque<>());
        }
        long calls = 0;
        long throttled = 0;
        long[] accepted = new long[PRODUCERS];
        // Which producer goes first in a step varies, as on real hosts, from a fixed seed.
        SplittableRandom order = new SplittableRandom(7);
        for (long now = 0; now < RUN; now += MILLI) {
            int first = order.nextInt(PRODUCERS);
            for (int k = 0; k < PRODUCERS; k++) {
                int p = (first + k) % PRODUCERS;
                if (p == PRODUCERS - 1 && now < LATE_START) {
                    continue;
                }
                RateController rate = rates[p];
                while (!inFlight.get(p).isEmpty() && inFlight.get(p).peekFirst().answerAt() <= now) {
                    Call call = inFlight.get(p).pollFirst();
                    rate.answered(call.accepted() ? call.bytes() : 0, !call.accepted(), call.sentAt(), now);
                }
                while (inFlight.get(p).size() < IN_FLIGHT && rate.delayNanos(now) == 0) {
                    long bytes = capBatches
                            ? Math.max(
                                    RECORD_BYTES,
                                    Math.min(FULL_BATCH_BYTES, rate.callBytes(now)) / RECORD_BYTES * RECORD_BYTES)
                            : FULL_BATCH_BYTES;
                    boolean admitted = quota.admit(bytes, now);
                    rate.sent(bytes, now);
                    inFlight.get(p).addLast(new Call(now, now + ROUND_TRIP, bytes, admitted));
                    if (now >= MEASURE_FROM) {
                        calls++;
                        throttled += admitted ? 0 : 1;
                        accepted[p] += admitted ? bytes : 0;
                    }
                }
            }
        }
        return new Outcome(calls, throttled, accepted);
    }

    @Test
    void batchesSealedAtATenthOfASecondOfTheLimitShareTheQuotaWithFewThrottledCalls() {
        Outcome capped = run(true);

        assertThat(capped.throttledShare()).as("%s", capped).isLessThan(0.05);
        assertThat(capped.goodputShareOfQuota()).as("%s", capped).isGreaterThan(0.9);
        assertThat(capped.jain()).as("%s", capped).isGreaterThan(0.9);
        assertThat(capped.lateShareOfFair()).as("%s", capped).isGreaterThan(0.8);
    }

    @Test
    void withFullBatchesTheSameControllersSeeManyOfTheirCallsThrottled() {
        Outcome full = run(false);

        assertThat(full.throttledShare()).as("%s", full).isGreaterThan(0.15);
    }

    @Test
    void unlimitedThereIsNoCapAndLimitedItIsATenthOfASecondOfTheLimit() {
        RateController rate = new RateController(true);
        assertThat(rate.callBytes(0)).isEqualTo(Integer.MAX_VALUE);
        // Throttled: two calls of a second's worth refused, with nothing accepted beside them.
        rate.sent(100_000, 0);
        rate.sent(100_000, 0);
        rate.answered(0, true, 0, 10 * MILLI);
        rate.answered(0, true, 0, 11 * MILLI);
        long now = 12 * MILLI;
        double limit = rate.limit(now);
        assertThat(limit).isFinite();
        assertThat(rate.callBytes(now)).isEqualTo((int) Math.max(1, limit / 10));
    }
}
