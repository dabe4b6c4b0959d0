package io.securefirehose.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;

/**
 * The rate controller against a simulated stream quota, on a simulated clock: a sender with four calls in flight
 * would offer twenty times the quota; with adaptive control most of its calls are accepted and its goodput stays
 * near the quota, without it most calls are throttled. Fails if the controller stops adapting. Deterministic: no
 * thread, no real time, a fixed number of one-millisecond steps. Measured over the second minute: adaptive 1.4 % of
 * calls throttled at 97 % of the quota; without control 95 % throttled (resending is free in this model, so the
 * goodput is the quota either way; on the wire every refused call costs a request and its bytes).
 */
class RateControlSimulationTest {

    private static final long MILLI = 1_000_000L;
    private static final long SECOND = 1_000 * MILLI;
    private static final long QUOTA_BYTES_PER_SECOND = 5L << 20;
    private static final long CALL_BYTES = 512 << 10;
    private static final long ROUND_TRIP = 20 * MILLI;
    private static final int IN_FLIGHT = 4;

    /** What the last half of a run measured. */
    private record Outcome(long calls, long throttled, long acceptedBytes, double seconds) {
        double throttledShare() {
            return (double) throttled / calls;
        }

        double goodputShareOfQuota() {
            return acceptedBytes / seconds / QUOTA_BYTES_PER_SECOND;
        }
    }

    private record Call(long sentAt, long answerAt, boolean accepted) {}

    private static Outcome run(RateController rate, long seconds) {
        SimulatedQuota quota = new SimulatedQuota(QUOTA_BYTES_PER_SECOND);
        Deque<Call> inFlight = new ArrayDeque<>();
        long measureFrom = seconds * SECOND / 2;
        long calls = 0;
        long throttled = 0;
        long accepted = 0;
        for (long now = 0; now < seconds * SECOND; now += MILLI) {
            while (!inFlight.isEmpty() && inFlight.peekFirst().answerAt() <= now) {
                Call call = inFlight.pollFirst();
                rate.answered(call.accepted() ? CALL_BYTES : 0, !call.accepted(), call.sentAt(), now);
            }
            while (inFlight.size() < IN_FLIGHT && rate.delayNanos(now) == 0) {
                boolean admitted = quota.admit(CALL_BYTES, now);
                rate.sent(CALL_BYTES, now);
                inFlight.addLast(new Call(now, now + ROUND_TRIP, admitted));
                if (now >= measureFrom) {
                    calls++;
                    throttled += admitted ? 0 : 1;
                    accepted += admitted ? CALL_BYTES : 0;
                }
            }
        }
        return new Outcome(calls, throttled, accepted, seconds / 2.0);
    }

    @Test
    void withAdaptiveControlMostCallsAreAcceptedAndGoodputStaysNearTheQuota() {
        Outcome adaptive = run(new RateController(true), 120);

        assertThat(adaptive.throttledShare()).as("%s", adaptive).isLessThan(0.05);
        assertThat(adaptive.goodputShareOfQuota()).as("%s", adaptive).isGreaterThan(0.9);
    }

    @Test
    void withoutItTheSameSenderIsMostlyThrottled() {
        Outcome fixed = run(new RateController(false), 120);

        assertThat(fixed.throttledShare()).as("%s", fixed).isGreaterThan(0.9);
        assertThat(fixed.goodputShareOfQuota()).as("%s", fixed).isGreaterThan(0.9);
    }
}
