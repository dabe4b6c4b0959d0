package io.securefirehose.internal.flow;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.ArrayDeque;
import java.util.function.IntToLongFunction;
import org.apiguardian.api.API;

/**
 * Adaptive send rate, additive increase and multiplicative decrease on bytes per second, so that a producer
 * against a stream's quota keeps its goodput near the quota instead of resending into throttling.
 *
 * <p>Unlimited until Firehose throttles. While unlimited, one throttled call holds new calls until the calls sent with
 * it have answered: they went at the same pace, so their answers tell whether a quota was reached, and calls sent
 * meanwhile would most likely be throttled too. Calls sent with it are those sent no earlier than one of its round
 * trips before it; the hold lasts at most {@link #MAX_HOLD_NANOS}: a call that hangs until its request timeout (a slow
 * or lost answer) must not stop the producer with it. The limit is set when at least {@value #MIN_THROTTLED_CALLS}
 * calls, and at least {@value #THROTTLED_SHARE} of the calls, answered in the last second were throttled (refused with
 * a throttling error, or with at least {@value #THROTTLED_SHARE} of their records failed with
 * {@code ServiceUnavailableException}); while unlimited and the last second holds fewer than
 * {@value GoodputWindow#MIN_CALLS_FOR_SHARE} answers (the producer held back, or traffic is light), the last three
 * seconds count instead, so that two random throttles among a dozen calls set no limit. Isolated throttles (a busy
 * moment of the service) change nothing; a quota that is reached throttles most calls over it. Each time the limit
 * becomes {@value #DECREASE} of the lower of the current limit and the goodput of the last second (bytes Firehose
 * accepted): the goodput under throttling is the best estimate of the quota. Once limited, the goodput averaged over
 * three seconds counts too: after a spell under the quota, the last second carries the quota's refilled one-second
 * burst. When at least {@value #MOSTLY_THROTTLED} of the last second's calls were throttled (a quota another producer
 * drained), goodput says little, so the limit starts from at least {@value #SENT_SHARE_FLOOR} of the bytes sent instead
 * of collapsing to the floor, and climbs at {@value #GUESS_INCREASE_PER_SECOND} instead, since the estimate is a guess;
 * not otherwise, because refused calls are cheap and can be sent far faster than the quota. From there it climbs by
 * {@value #INCREASE_PER_SECOND} of that estimate per second, but at least {@value #MIN_CLIMB_BYTES_PER_SECOND} bytes
 * per second a second, back to the estimate (producers sharing a quota then climb by the same step where their shares
 * are small, as additive increase needs for their shares to converge; a step proportional to the estimate alone keeps
 * their ratios); beyond a measured estimate it probes
 * slowly, by {@value #PLATEAU_INCREASE_PER_SECOND} of it per second but at least {@value #MIN_PLATEAU_BYTES_PER_SECOND}
 * bytes per second a second, for {@value #PLATEAU_SECONDS} seconds (the quota is most likely just above, and each probe
 * that finds it costs a throttled call), then compounds at {@value #INCREASE_PER_SECOND} a second (beyond a guess at
 * once, at the guess's rate), never slower than the climb below the estimate, until the next throttle brings it down
 * again. The floors matter for a small share of a shared quota: it reaches its own small estimate within a second, and
 * a probe proportional to that estimate would hold it there while larger shares grow. Once limited, one throttled call (still at least {@value #THROTTLED_SHARE} of the last second's calls)
 * is enough for the next decrease where the limit probes (at or above the estimate, where the quota was found) or binds
 * (the last second's goodput is at least half of it): at a few calls a second, waiting for a second one lets the limit
 * overshoot further. Where it does not bind (little traffic), a random throttle says nothing about a quota, and two are
 * needed. After {@link #QUIET_NANOS} without a throttled call the limit is lifted: a limit set when traffic was low
 * must not hold back traffic that grew since, with no sign of a quota. Only calls sent after the last decrease can
 * cause the next one: the answers to calls sent at the old pace say nothing about the new one (TCP's
 * once-per-round-trip rule). The quota's every dimension (records/s, requests/s, bytes/s) is held by this one limit,
 * because records keep their sizes and, while limited, calls carry a tenth of a second of it each (about ten calls a
 * second). The limit never goes below {@link #MIN_BYTES_PER_SECOND}.
 *
 * <p>Sending is paced by a token bucket holding {@link #BURST_NANOS} of the limit; a batch may take it below zero,
 * and the next waits until it is positive again. While limited, batches are sealed at that much of the limit
 * ({@link #callBytes}): producers that share a quota (separate hosts on one stream) each get a small share of it,
 * and full 500-record calls would each be seconds of a share, arriving in bursts the quota's one-second bucket
 * refuses; small calls spread evenly, and a throttled one costs little.
 *
 * <p>Called on the producer's scheduler thread only; {@link #limit(long)} may be read from any thread (for the
 * gauge), where it may be a moment out of date.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class RateController {

    static final double DECREASE = 0.8;
    public static final double THROTTLED_SHARE = 0.1;
    static final int MIN_THROTTLED_CALLS = 2;
    static final double INCREASE_PER_SECOND = 0.05;
    static final double GUESS_INCREASE_PER_SECOND = 0.1;
    static final double PLATEAU_INCREASE_PER_SECOND = 0.01;
    static final double PLATEAU_SECONDS = 10;
    static final long QUIET_NANOS = 30_000_000_000L;
    static final double SENT_SHARE_FLOOR = 0.1;
    static final double MOSTLY_THROTTLED = 0.5;
    static final double MIN_BYTES_PER_SECOND = 64 * 1024;
    static final double MIN_CLIMB_BYTES_PER_SECOND = 32 * 1024;
    static final double MIN_PLATEAU_BYTES_PER_SECOND = 8 * 1024;
    static final long BURST_NANOS = 100_000_000L;
    static final long HOLD_RECHECK_NANOS = 100_000_000L;
    /** Longest hold after a first throttled call; answers to calls sent with it arrive well within a second. */
    static final long MAX_HOLD_NANOS = 1_000_000_000L;

    private static final double SECOND = 1e9;

    private final boolean enabled;
    private final GoodputWindow goodput = new GoodputWindow();
    private volatile boolean limited;
    private volatile double estimate;
    private volatile double startRate;
    private volatile boolean guessed; // the estimate came from a second in which most calls were refused
    private volatile long decreasedAt;
    private volatile long lastThrottledAt;
    private double tokens;
    private long refilledAt;
    private long throttles;
    private final ArrayDeque<Long> unansweredSentAt = new ArrayDeque<>(); // send times of calls not answered yet
    private int holdFor; // answers still awaited before calls may go again (unlimited only)
    private long holdUntil; // when a hold ends even if answers are still awaited
    private long holdFrom; // calls sent since then count for the hold

    public RateController(boolean enabled) {
        this.enabled = enabled;
    }

    /** Bytes per second allowed at {@code now}; positive infinity while unlimited. */
    public double limit(long now) {
        if (!limited || now - lastThrottledAt > QUIET_NANOS) {
            return Double.POSITIVE_INFINITY;
        }
        double seconds = Math.max(0, now - decreasedAt) / SECOND;
        double climb = guessed ? GUESS_INCREASE_PER_SECOND : INCREASE_PER_SECOND;
        double step = Math.max(climb * estimate, MIN_CLIMB_BYTES_PER_SECOND);
        double linear = startRate + step * seconds;
        if (linear <= estimate) {
            return linear;
        }
        double beyond = seconds - (estimate - startRate) / step;
        if (!guessed) {
            // A measured estimate: the quota is most likely just above it, so probe there slowly (each probe that
            // finds it costs a throttled call), then compound as below. Both by at least a floor in bytes: a small
            // share of a shared quota reaches its own small estimate at once, and 1 % of it a second would hold it
            // there while larger shares grow.
            double probe = Math.max(PLATEAU_INCREASE_PER_SECOND * estimate, MIN_PLATEAU_BYTES_PER_SECOND);
            if (beyond <= PLATEAU_SECONDS) {
                return estimate + probe * beyond;
            }
            beyond -= PLATEAU_SECONDS;
            double probed = estimate + probe * PLATEAU_SECONDS;
            return Math.max(probed * Math.exp(climb * beyond), probed + MIN_CLIMB_BYTES_PER_SECOND * beyond);
        }
        // Beyond the estimate the climb compounds: fast when the estimate was poor (a quota another producer had
        // drained) or traffic has grown since; never slower than the climb below it.
        return Math.max(estimate * Math.exp(climb * beyond), estimate + step * beyond);
    }

    /**
     * The most record bytes a new batch should carry at {@code now}: {@link #BURST_NANOS} of the limit while limited
     * (at least one byte: a batch always takes its first record), otherwise no cap.
     */
    public int callBytes(long now) {
        double limit = limit(now);
        return Double.isInfinite(limit) ? Integer.MAX_VALUE : (int) Math.max(1, limit * BURST_NANOS / SECOND);
    }

    /** Lifts the limit after a quiet spell; scheduler thread. */
    private void liftIfQuiet(long now) {
        if (limited && now - lastThrottledAt > QUIET_NANOS) {
            limited = false;
        }
    }

    /** How long to wait before the next call may go; 0 if it may go now. */
    public long delayNanos(long now) {
        liftIfQuiet(now);
        if (!limited) {
            if (holdFor > 0 && now - holdUntil >= 0) {
                holdFor = 0; // a call sent with the throttled one hangs: stop waiting for it
            }
            // Each answer lets the sender look again; the wait is only a safety net.
            return holdFor > 0 ? Math.min(HOLD_RECHECK_NANOS, holdUntil - now) : 0;
        }
        refill(now);
        if (tokens > 0) {
            return 0;
        }
        return (long) Math.ceil(-tokens / limit(now) * SECOND) + 1;
    }

    /** A call carrying {@code bytes} of records went out. */
    public void sent(long bytes, long now) {
        liftIfQuiet(now);
        if (enabled) {
            goodput.sent(bytes, now);
            unansweredSentAt.addLast(now);
        }
        if (limited) {
            refill(now);
            tokens -= (double) bytes;
        }
    }

    /**
     * A call was answered.
     *
     * @param acceptedBytes record bytes Firehose accepted
     * @param throttled whether Firehose throttled the call, or a share of its records of at least
     *     {@value #THROTTLED_SHARE}
     * @param sentAt when the call was sent, on the scheduler's clock
     * @param now the scheduler's clock
     */
    public void answered(long acceptedBytes, boolean throttled, long sentAt, long now) {
        if (!enabled) {
            return;
        }
        liftIfQuiet(now);
        unansweredSentAt.removeFirstOccurrence(sentAt);
        if (holdFor > 0 && sentAt - holdFrom >= 0) {
            holdFor--;
        }
        goodput.add(acceptedBytes, throttled, now);
        if (!throttled) {
            return;
        }
        lastThrottledAt = now;
        if (limited && sentAt - decreasedAt < 0) {
            return;
        }
        int needed = limited && (probing(sentAt) || binding(sentAt, now)) ? 1 : MIN_THROTTLED_CALLS;
        // Unlimited, a second with few calls (the producer held back, or traffic is light) says little: two random
        // throttles among a dozen calls would set a limit from a goodput the producer itself kept low.
        int slots = limited ? GoodputWindow.SLOTS : goodput.slotsForShare(now);
        if (goodput.throttledCalls(now, slots) >= needed && goodput.throttledShare(now, slots) >= THROTTLED_SHARE) {
            holdFor = 0;
            decrease(now);
        } else if (!limited && holdFor == 0) {
            // One throttled call at full speed: until the calls sent with it have answered, new calls would most
            // likely be throttled too. Hold them: the answers either confirm a quota (and set a limit) or not.
            // Sent with it: no earlier than one of its round trips before it. A call sent before that and still
            // unanswered is slow for reasons of its own (it may hang until its request timeout).
            holdFrom = sentAt - (now - sentAt);
            holdFor = 0;
            for (long unansweredSince : unansweredSentAt) {
                if (unansweredSince - holdFrom >= 0) {
                    holdFor++;
                }
            }
            holdUntil = now + MAX_HOLD_NANOS;
        }
    }

    /**
     * Whether a call sent at {@code sentAt} went at or above the estimate the last decrease made: the limit was
     * probing where the quota was found, so one throttled call is enough (at a few calls a second, waiting for two
     * lets the limit overshoot further, and every call sent meanwhile is throttled too).
     */
    private boolean probing(long sentAt) {
        return limit(sentAt) >= estimate;
    }

    /** Whether the last second's goodput was at least half the limit a call sent at {@code sentAt} went under. */
    private boolean binding(long sentAt, long now) {
        return goodput.bytesInLastSecond(now) >= 0.5 * limit(sentAt);
    }

    private void decrease(long now) {
        // The first time, over a whole second even if answers began less than a second ago: right after start,
        // goodput includes the burst a quota allows an idle stream, which is not what it allows per second.
        // Once limited, also over three seconds: after a spell under the quota its bucket is full, and the last
        // second's goodput includes that burst, which is no part of the quota per second.
        double measured = limited
                ? Math.min(goodput.bytesPerSecond(now), goodput.bytesPerSecondOverThreeSeconds(now))
                : goodput.bytesInLastSecond(now);
        double current = limited ? Math.min(limit(now), measured > 0 ? measured : limit(now)) : measured;
        // See the class comment: what was sent counts only when most calls were throttled.
        boolean mostlyThrottled = goodput.throttledShare(now) >= MOSTLY_THROTTLED;
        if (mostlyThrottled) {
            current = Math.max(current, SENT_SHARE_FLOOR * goodput.sentInLastSecond(now));
        }
        // An estimate from a second in which most calls were refused is a guess: climb from it twice as fast.
        guessed = mostlyThrottled;
        estimate = Math.max(MIN_BYTES_PER_SECOND, current);
        startRate = Math.max(MIN_BYTES_PER_SECOND, DECREASE * current);
        decreasedAt = now;
        if (!limited) {
            // A full burst to start with: the next call goes at once, paced from there on.
            tokens = startRate * BURST_NANOS / SECOND;
            refilledAt = now;
            limited = true;
        } else {
            tokens = Math.min(tokens, 0);
        }
        throttles++;
    }

    /** Decreases so far. */
    long decreases() {
        return throttles;
    }

    private void refill(long now) {
        double limit = limit(now);
        tokens = Math.min(limit * BURST_NANOS / SECOND, tokens + limit * Math.max(0, now - refilledAt) / SECOND);
        refilledAt = Math.max(refilledAt, now);
    }

    /** Bytes accepted, calls answered and calls throttled in the last second, in ten slots of 100 ms. */
    static final class GoodputWindow {
        /** Fewest answers a share of throttled calls is taken over, where three seconds hold them. */
        static final int MIN_CALLS_FOR_SHARE = 20;

        private static final long SLOT_NANOS = 100_000_000L;
        static final int SLOTS = 10; // one second
        private static final int KEPT_SLOTS = 3 * SLOTS; // three seconds, for the longer goodput average
        private final long[] bytes = new long[KEPT_SLOTS];
        private final int[] calls = new int[KEPT_SLOTS];
        private final int[] throttledCalls = new int[KEPT_SLOTS];
        private final long[] sentBytes = new long[KEPT_SLOTS];
        private final long[] slotOf = new long[KEPT_SLOTS];
        private long firstSlot = Long.MIN_VALUE;

        void add(long accepted, long now) {
            add(accepted, false, now);
        }

        void add(long accepted, boolean throttled, long now) {
            long slot = Math.floorDiv(now, SLOT_NANOS);
            if (firstSlot == Long.MIN_VALUE) {
                firstSlot = slot;
            }
            int i = slotIndex(slot);
            bytes[i] += accepted;
            calls[i]++;
            if (throttled) {
                throttledCalls[i]++;
            }
        }

        /** Record bytes of calls sent. */
        void sent(long sent, long now) {
            sentBytes[slotIndex(Math.floorDiv(now, SLOT_NANOS))] += sent;
        }

        /** The slot's index, emptied first if it last held an older slot. */
        private int slotIndex(long slot) {
            int i = (int) Math.floorMod(slot, (long) KEPT_SLOTS);
            if (slotOf[i] != slot) {
                slotOf[i] = slot;
                bytes[i] = 0;
                calls[i] = 0;
                throttledCalls[i] = 0;
                sentBytes[i] = 0;
            }
            return i;
        }

        /** Record bytes of the calls sent in the last second. */
        double sentInLastSecond(long now) {
            return (double) lastSecond(now, i -> sentBytes[i]);
        }

        /** Calls answered in the last second that were throttled. */
        int throttledCalls(long now) {
            return throttledCalls(now, SLOTS);
        }

        /** Calls answered in the last {@code slots} slots that were throttled. */
        int throttledCalls(long now, int slots) {
            return (int) lastSlots(now, slots, i -> throttledCalls[i]);
        }

        /** Share of the calls answered in the last second that were throttled. */
        double throttledShare(long now) {
            return throttledShare(now, SLOTS);
        }

        /** Share of the calls answered in the last {@code slots} slots that were throttled. */
        double throttledShare(long now, int slots) {
            long answered = lastSlots(now, slots, i -> calls[i]);
            return answered == 0 ? 0 : (double) throttledCalls(now, slots) / answered;
        }

        /**
         * The last second's slots if it holds at least {@link #MIN_CALLS_FOR_SHARE} answers, else all three
         * seconds'.
         */
        int slotsForShare(long now) {
            return lastSecond(now, i -> calls[i]) >= MIN_CALLS_FOR_SHARE ? SLOTS : KEPT_SLOTS;
        }

        /** Bytes per second over the last second, or over the time since the first sample if that is shorter. */
        double bytesPerSecond(long now) {
            if (firstSlot == Long.MIN_VALUE) {
                return 0;
            }
            long covered = Math.min(SLOTS, Math.floorDiv(now, SLOT_NANOS) - firstSlot + 1);
            return bytesInLastSecond(now) * SLOTS / (double) covered;
        }

        /** Bytes accepted in the last second. */
        double bytesInLastSecond(long now) {
            return (double) lastSecond(now, i -> bytes[i]);
        }

        /** Sum of one per-slot count over the slots of the last second. */
        private long lastSecond(long now, IntToLongFunction count) {
            return lastSlots(now, SLOTS, count);
        }

        /**
         * Bytes accepted per second over the last three seconds, or over the time since the first sample if that is
         * shorter: a quota's one-second burst weighs a third as much here as in the last second alone.
         */
        double bytesPerSecondOverThreeSeconds(long now) {
            if (firstSlot == Long.MIN_VALUE) {
                return 0;
            }
            long covered = Math.min(KEPT_SLOTS, Math.floorDiv(now, SLOT_NANOS) - firstSlot + 1);
            return lastSlots(now, KEPT_SLOTS, i -> bytes[i]) * (double) SLOTS / covered;
        }

        /** Sum of one per-slot count over the last {@code slots} slots. */
        private long lastSlots(long now, int slots, IntToLongFunction count) {
            long slot = Math.floorDiv(now, SLOT_NANOS);
            long sum = 0;
            for (int i = 0; i < KEPT_SLOTS; i++) {
                if (slotOf[i] > slot - slots && slotOf[i] <= slot) {
                    sum += count.applyAsLong(i);
                }
            }
            return sum;
        }
    }
}
