package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Random faults that {@link LocalFirehose} injects into {@code PutRecordBatch} and {@code PutRecord} calls, drawn
 * from a fixed seed so that a run can be repeated: the draws for the {@code n}-th call depend only on the seed and
 * {@code n}.
 *
 * <p>Per call, in this order: a connection reset (the connection is closed with a TCP reset, no response), then
 * throttling ({@code ServiceUnavailableException}, HTTP 500), then a server error ({@code InternalFailure}, HTTP
 * 500). A call that gets none of these has each record fail independently with {@code recordFailureRate}, with
 * an error code picked from {@code recordErrorCodes}. Added latency is drawn uniformly between the bounds; with
 * {@code latencySpikes}, a call's answer is also held back, with that chance, by a spike drawn uniformly between its
 * bounds (a spike longer than the client's request timeout makes it give up on a call whose records were stored).
 * Latency applies to answered calls that store records; refusals are answered at once.
 *
 * <p>Immutable.
 */
@API(status = STABLE, since = "0.1.0")
public final class FaultPlan {

    private static final FaultPlan NONE = builder().build();

    private final long seed;
    private final double recordFailureRate;
    private final List<String> recordErrorCodes;
    private final double throttleRate;
    private final double serverErrorRate;
    private final double connectionResetRate;
    private final double lostResponseRate;
    private final Duration minLatency;
    private final Duration maxLatency;
    private final double latencySpikeRate;
    private final Duration minLatencySpike;
    private final Duration maxLatencySpike;

    private FaultPlan(Builder b) {
        this.seed = b.seed;
        this.recordFailureRate = b.recordFailureRate;
        this.recordErrorCodes = List.copyOf(b.recordErrorCodes);
        this.throttleRate = b.throttleRate;
        this.serverErrorRate = b.serverErrorRate;
        this.connectionResetRate = b.connectionResetRate;
        this.lostResponseRate = b.lostResponseRate;
        this.minLatency = b.minLatency;
        this.maxLatency = b.maxLatency;
        this.latencySpikeRate = b.latencySpikeRate;
        this.minLatencySpike = b.minLatencySpike;
        this.maxLatencySpike = b.maxLatencySpike;
    }

    /** @return a plan with no faults */
    public static FaultPlan none() {
        return NONE;
    }

    /** @return a builder with no faults and seed 0 */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the seed */
    public long seed() {
        return seed;
    }

    /** @return chance that one record of an otherwise successful call fails */
    public double recordFailureRate() {
        return recordFailureRate;
    }

    /** @return error codes a failed record gets, picked at random */
    public List<String> recordErrorCodes() {
        return recordErrorCodes;
    }

    /** @return chance that a call is throttled */
    public double throttleRate() {
        return throttleRate;
    }

    /** @return chance that a call fails with HTTP 500 */
    public double serverErrorRate() {
        return serverErrorRate;
    }

    /** @return chance that a call's records are stored and its connection reset before the answer */
    public double lostResponseRate() {
        return lostResponseRate;
    }

    /** @return chance that a call's connection is reset before it is processed */
    public double connectionResetRate() {
        return connectionResetRate;
    }

    /** @return least added latency */
    public Duration minLatency() {
        return minLatency;
    }

    /** @return most added latency */
    public Duration maxLatency() {
        return maxLatency;
    }

    /** @return chance that a call's answer is held back by a latency spike */
    public double latencySpikeRate() {
        return latencySpikeRate;
    }

    /** @return shortest latency spike */
    public Duration minLatencySpike() {
        return minLatencySpike;
    }

    /** @return longest latency spike */
    public Duration maxLatencySpike() {
        return maxLatencySpike;
    }

    /** @return whether this plan injects nothing */
    public boolean isNone() {
        return recordFailureRate == 0
                && throttleRate == 0
                && serverErrorRate == 0
                && connectionResetRate == 0
                && lostResponseRate == 0
                && maxLatency.isZero()
                && latencySpikeRate == 0;
    }

    /** Builds a {@link FaultPlan}; each rate is a probability between 0 and 1. Not thread-safe. */
    public static final class Builder {
        private long seed;
        private double recordFailureRate;
        private List<String> recordErrorCodes = List.of("ServiceUnavailableException", "InternalFailure");
        private double throttleRate;
        private double serverErrorRate;
        private double connectionResetRate;
        private double lostResponseRate;
        private Duration minLatency = Duration.ZERO;
        private Duration maxLatency = Duration.ZERO;
        private double latencySpikeRate;
        private Duration minLatencySpike = Duration.ZERO;
        private Duration maxLatencySpike = Duration.ZERO;

        private Builder() {}

        /**
         * @param seed seed of the random draws
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param rate chance that each record of a call fails on its own
         * @return this builder
         */
        public Builder recordFailureRate(double rate) {
            this.recordFailureRate = rate("recordFailureRate", rate);
            return this;
        }

        /**
         * @param codes error codes failed records get (Firehose uses {@code ServiceUnavailableException} and
         *     {@code InternalFailure})
         * @return this builder
         */
        public Builder recordErrorCodes(String... codes) {
            if (codes.length == 0) {
                throw new IllegalArgumentException("recordErrorCodes needs at least one code");
            }
            this.recordErrorCodes = List.of(codes);
            return this;
        }

        /**
         * @param rate chance that a call is throttled
         * @return this builder
         */
        public Builder throttleRate(double rate) {
            this.throttleRate = rate("throttleRate", rate);
            return this;
        }

        /**
         * @param rate chance that a call fails with HTTP 500
         * @return this builder
         */
        public Builder serverErrorRate(double rate) {
            this.serverErrorRate = rate("serverErrorRate", rate);
            return this;
        }

        /**
         * @param rate chance that a call's connection is reset
         * @return this builder
         */
        public Builder connectionResetRate(double rate) {
            this.connectionResetRate = rate("connectionResetRate", rate);
            return this;
        }

        /**
         * @param rate chance that a call's records are stored and then its connection is reset before the answer
         *     is sent: the client cannot tell, sends them again, and they are stored twice (as with Firehose)
         * @return this builder
         */
        public Builder lostResponseRate(double rate) {
            this.lostResponseRate = rate("lostResponseRate", rate);
            return this;
        }

        /**
         * @param min least latency added to each call
         * @param max most latency added to each call
         * @return this builder
         */
        public Builder latency(Duration min, Duration max) {
            checkBounds("latency", min, max);
            this.minLatency = min;
            this.maxLatency = max;
            return this;
        }

        /**
         * Occasional long delays on top of {@link #latency}: with chance {@code rate}, a call's answer is held back
         * by a spike drawn uniformly between {@code min} and {@code max}. The records are stored first, so a spike
         * longer than the client's request timeout is a call the client gives up on although Firehose kept it.
         *
         * @param rate chance that a call gets a spike
         * @param min shortest spike
         * @param max longest spike
         * @return this builder
         */
        public Builder latencySpikes(double rate, Duration min, Duration max) {
            checkBounds("latencySpikes", min, max);
            this.latencySpikeRate = rate("latencySpikes rate", rate);
            this.minLatencySpike = min;
            this.maxLatencySpike = max;
            return this;
        }

        /** @return the plan */
        public FaultPlan build() {
            return new FaultPlan(this);
        }

        private static void checkBounds(String name, Duration min, Duration max) {
            Objects.requireNonNull(min, name + " min");
            Objects.requireNonNull(max, name + " max");
            if (min.isNegative() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException(name + " needs 0 <= min <= max, was " + min + ".." + max);
            }
        }

        private static double rate(String name, double rate) {
            if (!(rate >= 0 && rate <= 1)) {
                throw new IllegalArgumentException(name + " must be between 0 and 1, was " + rate);
            }
            return rate;
        }
    }
}
