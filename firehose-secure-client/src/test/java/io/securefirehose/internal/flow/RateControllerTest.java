package io.securefirehose.internal.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class RateControllerTest {

    private static final long MS = 1_000_000L;
    private static final long SECOND = 1_000 * MS;

    /** One second of goodput at {@code bytesPerSecond}, in ten answers 100 ms apart, ending at {@code end}. */
    private static void acceptFor(RateController rate, long bytesPerSecond, long end) {
        for (int i = 9; i >= 0; i--) {
            rate.answered(bytesPerSecond / 10, false, end - i * 100 * MS - MS, end - i * 100 * MS);
        }
    }

    /** Two throttled calls: with the ten accepted ones of {@link #acceptFor}, a sixth of the last second's calls. */
    private static void throttle(RateController rate, long now) {
        rate.answered(0, true, now - MS, now);
        rate.answered(0, true, now - MS, now);
    }

    @Test
    void unlimitedUntilFirehoseThrottles() {
        RateController rate = new RateController(true);
        acceptFor(rate, 10_000_000, SECOND);
        rate.sent(50_000_000, SECOND);
        assertThat(rate.delayNanos(SECOND)).isZero();
        assertThat(rate.limit(SECOND)).isInfinite();
    }

    @Test
    void isolatedThrottlesChangeNothing() {
        RateController rate = new RateController(true);
        acceptFor(rate, 1_000_000, SECOND);
        rate.answered(0, true, SECOND - MS, SECOND);
        assertThat(rate.limit(SECOND)).as("one call in eleven").isInfinite();
        rate.answered(0, true, SECOND - MS, SECOND);
        assertThat(rate.limit(SECOND)).as("two in twelve").isFinite();
    }

    @Test
    void whenNearlyEveryCallWasThrottledTheLimitStartsFromATenthOfWhatWasSentNotTheFloor() {
        RateController rate = new RateController(true);
        for (int i = 0; i < 10; i++) {
            rate.sent(500_000, SECOND - i * 50 * MS);
        }
        rate.answered(100_000, false, SECOND - 2 * MS, SECOND - MS);
        throttle(rate, SECOND);
        // A quota another producer drained: 100,000 bytes accepted of 5,000,000 sent in the last second.
        assertThat(rate.limit(SECOND)).isCloseTo(RateController.DECREASE * 500_000, within(1.0));
        assertThat(rate.limit(2 * SECOND))
                .as("an estimate that is a guess: +10 %% of it per second")
                .isCloseTo(RateController.DECREASE * 500_000 + 50_000, within(1.0));
    }

    @Test
    void whileMostCallsAreAcceptedWhatWasSentDoesNotRaiseTheLimit() {
        RateController rate = new RateController(true);
        rate.sent(50_000_000, SECOND - 500 * MS); // calls refused cheaply can be sent far faster than the quota
        acceptFor(rate, 1_000_000, SECOND);
        throttle(rate, SECOND); // two of twelve
        assertThat(rate.limit(SECOND)).isCloseTo(800_000, within(1.0));
    }

    @Test
    void theLimitLiftsAfterThirtySecondsWithoutAThrottle() {
        RateController rate = new RateController(true);
        acceptFor(rate, 1_000_000, SECOND);
        throttle(rate, SECOND);
        long quiet = SECOND + RateController.QUIET_NANOS;
        assertThat(rate.limit(quiet)).isFinite();
        rate.sent(10_000_000, quiet + 1);
        assertThat(rate.limit(quiet + 1)).isInfinite();
        assertThat(rate.delayNanos(quiet + 1)).isZero();
        // The next throttles set a new limit from the goodput of the last second.
        acceptFor(rate, 2_000_000, quiet + 2 * SECOND);
        throttle(rate, quiet + 2 * SECOND);
        assertThat(rate.limit(quiet + 2 * SECOND)).isCloseTo(1_600_000, within(1.0));
    }

    @Test
    void aThrottleSetsTheLimitBelowTheGoodputOfTheLastSecondThenItClimbs() {
        RateController rate = new RateController(true);
        acceptFor(rate, 1_000_000, SECOND);
        throttle(rate, SECOND);
        assertThat(rate.limit(SECOND)).isCloseTo(800_000, within(1.0));
        assertThat(rate.limit(3 * SECOND))
                .as("+5 %% of the estimate per second")
                .isCloseTo(900_000, within(1.0));
        assertThat(rate.decreases()).isEqualTo(1);
    }

    @Test
    void onlyCallsSentAfterADecreaseCanCauseTheNext() {
        RateController rate = new RateController(true);
        acceptFor(rate, 1_000_000, SECOND);
        throttle(rate, SECOND);
        // Answers to calls sent before the decrease, at the old pace.
        rate.answered(0, true, SECOND - 10 * MS, SECOND + 500 * MS);
        rate.answered(0, true, SECOND - 10 * MS, SECOND + 500 * MS);
        assertThat(rate.decreases()).isEqualTo(1);
        acceptFor(rate, 900_000, 3 * SECOND);
        rate.answered(0, true, 3 * SECOND - 50 * MS, 3 * SECOND);
        rate.answered(0, true, 3 * SECOND - 50 * MS, 3 * SECOND);
        assertThat(rate.decreases()).isEqualTo(2);
        // The lowest of the limit (900,000), the last second's goodput (900,000) and the average over three seconds
        // (1,900,000 / 3), times 0.8.
        assertThat(rate.limit(3 * SECOND)).isCloseTo(0.8 * 1_900_000 / 3, within(1.0));
    }

    @Test
    void callsArePacedAtTheLimit() {
        RateController rate = new RateController(true);
        acceptFor(rate, 1_000_000, SECOND);
        throttle(rate, SECOND);
        long now = SECOND + 1;
        assertThat(rate.delayNanos(now)).isZero();
        rate.sent(160_000, now);
        long delay = rate.delayNanos(now);
        assertThat(delay)
                .as("the first 80,000 bytes were the starting burst, the other 80,000 at 800,000 bytes/s")
                .isBetween(99 * MS, 101 * MS);
        assertThat(rate.delayNanos(now + delay)).isZero();
    }

    @Test
    void aQuietSpellSavesAtMostABurstOfOneTenthOfASecond() {
        RateController rate = new RateController(true);
        acceptFor(rate, 1_000_000, SECOND);
        throttle(rate, SECOND);
        long later = 20 * SECOND;
        long tenthOfASecond = (long) Math.ceil(rate.limit(later) / 10);
        rate.sent(tenthOfASecond, later);
        assertThat(rate.delayNanos(later))
                .as("the saved burst of a tenth of a second is used up")
                .isLessThan(MS);
        rate.sent(tenthOfASecond, later);
        assertThat(rate.delayNanos(later)).isBetween(99 * MS, 101 * MS);
    }

    /** A controller that saw a second of goodput at {@code bytesPerSecond}, then two throttled calls at 1 s. */
    @Test
    void aSmallShareClimbsByAtLeastTheSameBytesPerSecondAsALargeOne() {
        // A producer with a small share of a shared quota: 5 % of its estimate would be 10,000 bytes/s a second, so
        // its share would stay small while larger ones climb faster; the floor gives every producer the same step.
        RateController rate = limitedAt(200_000);
        assertThat(rate.limit(SECOND)).isCloseTo(160_000, within(1.0));
        assertThat(rate.limit(2 * SECOND))
                .as("+%s bytes/s a second", RateController.MIN_CLIMB_BYTES_PER_SECOND)
                .isCloseTo(160_000 + RateController.MIN_CLIMB_BYTES_PER_SECOND, within(1.0));
        RateController large = limitedAt(4_000_000);
        assertThat(large.limit(2 * SECOND) - large.limit(SECOND))
                .as("a large share climbs by 5 %% of its estimate")
                .isCloseTo(200_000, within(1.0));
    }

    @Test
    void aSmallShareAboveItsOwnEstimateStillClimbsByAFloorInBytes() {
        // A small share of a shared quota reaches its own small estimate within a fraction of a second; probing 1 %
        // of 100,000 bytes/s a second above it (1,000) would keep it small for ten seconds while larger shares grow.
        RateController rate = limitedAt(100_000);
        // Back at the estimate 0.61 s after the decrease (from 80,000 at 32,768 bytes/s a second); probing from there.
        assertThat(rate.limit(3 * SECOND) - rate.limit(2 * SECOND))
                .as("+%s bytes/s a second while probing", RateController.MIN_PLATEAU_BYTES_PER_SECOND)
                .isCloseTo(RateController.MIN_PLATEAU_BYTES_PER_SECOND, within(1.0));
        assertThat(rate.limit(14 * SECOND) - rate.limit(13 * SECOND))
                .as("after ten seconds of probing, +%s bytes/s a second", RateController.MIN_CLIMB_BYTES_PER_SECOND)
                .isCloseTo(RateController.MIN_CLIMB_BYTES_PER_SECOND, within(1.0));
    }

    private static RateController limitedAt(long bytesPerSecond) {
        RateController rate = new RateController(true);
        acceptFor(rate, bytesPerSecond, SECOND);
        throttle(rate, SECOND);
        return rate;
    }

    /** Four calls in the second before {@code end}, as large batches near a quota make, carrying {@code bytes}. */
    private static void fourCallsBefore(RateController rate, long bytes, long end) {
        for (int i = 0; i < 4; i++) {
            rate.answered(bytes / 4, false, end - i * 250 * MS - 50 * MS, end - i * 250 * MS);
        }
    }

    @Test
    void beyondAMeasuredEstimateTheLimitProbesSlowlyForTenSecondsThenCompounds() {
        RateController rate = limitedAt(1_000_000);
        assertThat(rate.limit(5 * SECOND)).as("the estimate, 4 s on").isCloseTo(1_000_000, within(1.0));
        assertThat(rate.limit(10 * SECOND)).as("+1 %% a second").isCloseTo(1_050_000, within(1.0));
        assertThat(rate.limit(15 * SECOND)).isCloseTo(1_100_000, within(1.0));
        assertThat(rate.limit(15 * SECOND + (long) (Math.log(2) / 0.05 * SECOND)))
                .as("then doubled after ln 2 / 5 %% more seconds")
                .isCloseTo(2_200_000, within(2.0));
    }

    @Test
    void beyondAGuessedEstimateTheLimitCompoundsAtOnce() {
        RateController rate = new RateController(true);
        for (int i = 0; i < 10; i++) {
            rate.sent(500_000, SECOND - i * 50 * MS);
        }
        throttle(rate, SECOND); // nothing accepted: the estimate is a tenth of what was sent, 500,000
        assertThat(rate.limit(3 * SECOND)).as("at 10 %% a second, 2 s on").isCloseTo(500_000, within(1.0));
        assertThat(rate.limit(3 * SECOND + (long) (Math.log(2) / 0.1 * SECOND))).isCloseTo(1_000_000, within(2.0));
    }

    @Test
    void beyondASmallGuessedEstimateTheClimbIsStillAtLeastTheFloor() {
        RateController rate = new RateController(true);
        for (int i = 0; i < 10; i++) {
            rate.sent(80_000, SECOND - i * 50 * MS);
        }
        throttle(rate, SECOND); // the estimate is a tenth of what was sent, 80,000; 10 % of it would be 8,000 a second
        assertThat(rate.limit(3 * SECOND) - rate.limit(2 * SECOND))
                .as("+%s bytes/s a second", RateController.MIN_CLIMB_BYTES_PER_SECOND)
                .isCloseTo(RateController.MIN_CLIMB_BYTES_PER_SECOND, within(1.0));
    }

    @Test
    void onceLimitedOneThrottledCallIsEnoughWhereTheLimitBindsOrProbes() {
        RateController rate = limitedAt(1_000_000);
        fourCallsBefore(rate, 300_000, 3 * SECOND);
        rate.answered(0, true, 3 * SECOND - 50 * MS, 3 * SECOND);
        assertThat(rate.decreases())
                .as("below the estimate, with goodput under half the limit (little traffic): one is not enough")
                .isEqualTo(1);
        fourCallsBefore(rate, 900_000, 4 * SECOND);
        rate.answered(0, true, 4 * SECOND - 50 * MS, 4 * SECOND);
        assertThat(rate.decreases())
                .as("the limit (0.95 of the estimate) binds")
                .isEqualTo(2);

        RateController probing = limitedAt(1_000_000);
        fourCallsBefore(probing, 300_000, 6 * SECOND);
        probing.answered(0, true, 6 * SECOND - 50 * MS, 6 * SECOND);
        assertThat(probing.decreases())
                .as("sent above the estimate, even with little goodput")
                .isEqualTo(2);
    }

    /** A second of goodput, three calls sent together, and the first of them throttled 10 ms later. */
    private static RateController threeCallsSentAtOneSecondAndTheFirstThrottled() {
        RateController rate = new RateController(true);
        acceptFor(rate, 1_000_000, SECOND);
        for (int i = 0; i < 3; i++) {
            rate.sent(100_000, SECOND);
        }
        rate.answered(0, true, SECOND, SECOND + 10 * MS);
        return rate;
    }

    @Test
    void aFirstThrottledCallHoldsNewCallsUntilTheCallsSentWithItHaveAnswered() {
        RateController rate = threeCallsSentAtOneSecondAndTheFirstThrottled();
        assertThat(rate.limit(SECOND + 10 * MS))
                .as("one throttled call sets no limit")
                .isInfinite();
        assertThat(rate.delayNanos(SECOND + 10 * MS)).as("but holds new calls").isPositive();
        rate.answered(100_000, false, SECOND, SECOND + 20 * MS);
        assertThat(rate.delayNanos(SECOND + 20 * MS))
                .as("one call sent with it still out")
                .isPositive();
        rate.answered(100_000, false, SECOND, SECOND + 30 * MS);
        assertThat(rate.delayNanos(SECOND + 30 * MS))
                .as("all answered, none throttled")
                .isZero();
        assertThat(rate.limit(SECOND + 30 * MS)).isInfinite();
    }

    @Test
    void aHoldEndsAfterOneSecondWhenACallSentWithTheThrottledOneHangs() {
        RateController rate = threeCallsSentAtOneSecondAndTheFirstThrottled();
        rate.answered(100_000, false, SECOND, SECOND + 20 * MS);
        // The third call hangs (its answer is held back until the request timeout).
        assertThat(rate.delayNanos(SECOND + 20 * MS)).isEqualTo(RateController.HOLD_RECHECK_NANOS);
        assertThat(rate.delayNanos(SECOND + 950 * MS))
                .as("the recheck comes no later than the hold's end")
                .isEqualTo(60 * MS);
        assertThat(rate.delayNanos(SECOND + 1_010 * MS))
                .as("one second after the throttled answer the hold is over")
                .isZero();
        assertThat(rate.delayNanos(SECOND + 1_500 * MS)).isZero();
        assertThat(rate.limit(SECOND + 1_500 * MS)).isInfinite();
        rate.answered(0, false, SECOND, SECOND + 5 * SECOND);
        assertThat(rate.delayNanos(SECOND + 5 * SECOND))
                .as("its late failure changes nothing")
                .isZero();
    }

    @Test
    void unlimitedTwoThrottlesInASecondOfFewCallsAfterBusySecondsSetNoLimit() {
        RateController rate = new RateController(true);
        // Two busy seconds, a hundred answers each, then a second in which the producer sent little (it was held).
        for (long t = 10 * MS; t <= 2 * SECOND; t += 10 * MS) {
            rate.answered(10_000, false, t - MS, t);
        }
        acceptFor(rate, 100_000, 3 * SECOND);
        throttle(rate, 3 * SECOND);
        assertThat(rate.limit(3 * SECOND))
                .as("2 of the last three seconds' 212 calls: random throttles, not a quota")
                .isInfinite();

        RateController quiet = new RateController(true);
        acceptFor(quiet, 100_000, 3 * SECOND);
        throttle(quiet, 3 * SECOND);
        assertThat(quiet.limit(3 * SECOND))
                .as("2 of 12 calls in all the answers there are: a quota")
                .isFinite();
    }

    @Test
    void aCallSentLongBeforeTheThrottledOneDoesNotHoldNewCalls() {
        RateController rate = new RateController(true);
        acceptFor(rate, 1_000_000, SECOND);
        rate.sent(100_000, SECOND - 500 * MS); // still out: its answer is held back
        rate.sent(100_000, SECOND);
        rate.sent(100_000, SECOND);
        rate.answered(0, true, SECOND, SECOND + 10 * MS);
        assertThat(rate.delayNanos(SECOND + 10 * MS))
                .as("the call sent with it is still out")
                .isPositive();
        rate.answered(100_000, false, SECOND, SECOND + 20 * MS);
        assertThat(rate.delayNanos(SECOND + 20 * MS))
                .as("sent 490 ms before the throttled call's 10 ms round trip: not sent with it")
                .isZero();
    }

    @Test
    void aSecondThrottledCallDuringTheHoldSetsTheLimitAndEndsTheHold() {
        RateController rate = threeCallsSentAtOneSecondAndTheFirstThrottled();
        rate.answered(0, true, SECOND, SECOND + 20 * MS);
        assertThat(rate.limit(SECOND + 20 * MS)).isFinite();
        assertThat(rate.delayNanos(SECOND + 20 * MS))
                .as("paced from here, with the starting burst")
                .isZero();
    }

    @Test
    void theLimitNeverGoesBelowTheFloor() {
        RateController rate = new RateController(true);
        throttle(rate, SECOND);
        assertThat(rate.limit(SECOND)).isEqualTo(RateController.MIN_BYTES_PER_SECOND);
    }

    @Test
    void offMeansNeverLimited() {
        RateController rate = new RateController(false);
        acceptFor(rate, 1_000_000, SECOND);
        throttle(rate, SECOND);
        rate.sent(10_000_000, SECOND);
        assertThat(rate.limit(SECOND)).isInfinite();
        assertThat(rate.delayNanos(SECOND)).isZero();
    }

    @Test
    void goodputCountsOnlyTheLastSecondOrTheTimeSinceTheFirstAnswer() {
        RateController.GoodputWindow window = new RateController.GoodputWindow();
        assertThat(window.bytesPerSecond(SECOND)).isZero();
        window.add(50_000, 0);
        assertThat(window.bytesPerSecond(0)).as("one slot of 100 ms so far").isCloseTo(500_000, within(1.0));
        window.add(50_000, 950 * MS);
        assertThat(window.bytesPerSecond(950 * MS)).isCloseTo(100_000, within(1.0));
        assertThat(window.bytesPerSecond(1_500 * MS))
                .as("the first answer left the window")
                .isCloseTo(50_000, within(1.0));
        assertThat(window.bytesPerSecond(5 * SECOND)).isZero();
    }

    @Test
    void theThreeSecondAverageCoversThreeSecondsOrTheTimeSinceTheFirstAnswer() {
        RateController.GoodputWindow window = new RateController.GoodputWindow();
        assertThat(window.bytesPerSecondOverThreeSeconds(SECOND)).isZero();
        window.add(300_000, 0);
        window.add(600_000, 2_950 * MS);
        assertThat(window.bytesPerSecondOverThreeSeconds(2_950 * MS)).isCloseTo(300_000, within(1.0));
        assertThat(window.bytesPerSecond(2_950 * MS)).isCloseTo(600_000, within(1.0));
        assertThat(window.bytesPerSecondOverThreeSeconds(3_500 * MS))
                .as("the first answer left the window")
                .isCloseTo(200_000, within(1.0));
        assertThat(window.bytesPerSecondOverThreeSeconds(10 * SECOND)).isZero();
    }

    @Test
    void onceLimitedADecreaseDiscountsTheBurstOfAQuotaThatRefilled() {
        RateController rate = limitedAt(1_000_000); // estimate 1,000,000 at 1 s; 20 s on, the limit is 1.48 times it
        acceptFor(rate, 1_000_000, 19 * SECOND);
        acceptFor(rate, 1_000_000, 20 * SECOND);
        fourCallsBefore(rate, 2_000_000, 21 * SECOND); // the last second carried a full bucket on top of the quota
        rate.answered(0, true, 21 * SECOND - 50 * MS, 21 * SECOND);
        assertThat(rate.decreases()).isEqualTo(2);
        assertThat(rate.limit(21 * SECOND))
                .as("80 %% of the three-second average (4,000,000 / 3), not of the last second (2,000,000)")
                .isCloseTo(0.8 * 4_000_000 / 3, within(1.0));
    }
}
