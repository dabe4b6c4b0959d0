package io.securefirehose;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import io.securefirehose.records.Coalescing;
import java.time.Duration;
import java.util.Objects;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * What one stream of a {@link SecureFirehoseClient} sets differently from the client: how it batches, its share
 * of the client's buffer, its coalescing and its spill directory. Anything not set here is the client's. Each
 * value is checked as the {@link ProducerBuilder} option of the same name checks it.
 *
 * <p>Immutable and thread-safe.
 */
@API(status = EXPERIMENTAL, since = "0.6.0")
public final class StreamOptions {

    /** No overrides: the stream batches as the client's settings say, with weight 1. */
    public static final StreamOptions DEFAULTS = builder().build();

    /** Largest {@link Builder#bufferShare weight}. */
    public static final int MAX_BUFFER_SHARE = 1000;

    private final @Nullable Duration linger;
    private final @Nullable Integer maxBatchRecords;
    private final @Nullable Integer maxBatchBytes;
    private final int bufferShare;
    private final @Nullable Coalescing coalescing;
    private final @Nullable Spill spill;

    private StreamOptions(Builder b) {
        this.linger = b.linger;
        this.maxBatchRecords = b.maxBatchRecords;
        this.maxBatchBytes = b.maxBatchBytes;
        this.bufferShare = b.bufferShare;
        this.coalescing = b.coalescing;
        this.spill = b.spill;
    }

    /** @return a builder with nothing overridden */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the stream's weight in the client's buffer, 1 unless set */
    public int bufferShare() {
        return bufferShare;
    }

    /** @return the spill settings of the stream, or {@code null} when the client's apply */
    public @Nullable Spill spill() {
        return spill;
    }

    /** Sets what this overrides on a copy of the client's settings. */
    void applyTo(ProducerBuilder settings) {
        if (linger != null) {
            settings.linger(linger);
        }
        if (maxBatchRecords != null) {
            settings.maxBatchRecords(maxBatchRecords);
        }
        if (maxBatchBytes != null) {
            settings.maxBatchBytes(maxBatchBytes);
        }
        if (coalescing != null) {
            settings.coalescing(coalescing);
        }
        if (spill != null) {
            settings.spill(spill);
        }
    }

    @Override
    public String toString() {
        return "StreamOptions[linger=" + linger + ", maxBatchRecords=" + maxBatchRecords + ", maxBatchBytes="
                + maxBatchBytes + ", bufferShare=" + bufferShare + ", coalescing=" + (coalescing != null)
                + ", spill=" + (spill == null ? null : spill.directory()) + "]";
    }

    /** Collects and checks the overrides; every setter refuses a bad value naming it. Not thread-safe. */
    public static final class Builder {
        /** Checks each value with the producer option of the same name. */
        private final ProducerBuilder checks = new ProducerBuilder();

        private @Nullable Duration linger;
        private @Nullable Integer maxBatchRecords;
        private @Nullable Integer maxBatchBytes;
        private int bufferShare = 1;
        private @Nullable Coalescing coalescing;
        private @Nullable Spill spill;

        private Builder() {}

        /**
         * @param linger as {@link ProducerBuilder#linger}
         * @return this builder
         */
        public Builder linger(Duration linger) {
            checks.linger(linger);
            this.linger = linger;
            return this;
        }

        /**
         * @param records as {@link ProducerBuilder#maxBatchRecords}
         * @return this builder
         */
        public Builder maxBatchRecords(int records) {
            checks.maxBatchRecords(records);
            this.maxBatchRecords = records;
            return this;
        }

        /**
         * @param bytes as {@link ProducerBuilder#maxBatchBytes}
         * @return this builder
         */
        public Builder maxBatchBytes(int bytes) {
            checks.maxBatchBytes(bytes);
            this.maxBatchBytes = bytes;
            return this;
        }

        /**
         * The stream's weight in the client's buffer: it may hold at most {@code maxBufferedBytes * weight / (sum of
         * the weights of the client's open streams)}, never less than one largest record. Default 1: equal shares.
         *
         * @param weight 1 to {@value #MAX_BUFFER_SHARE}
         * @return this builder
         */
        public Builder bufferShare(int weight) {
            if (weight < 1 || weight > MAX_BUFFER_SHARE) {
                throw new IllegalArgumentException(
                        "bufferShare must be between 1 and " + MAX_BUFFER_SHARE + ", was " + weight);
            }
            this.bufferShare = weight;
            return this;
        }

        /**
         * @param coalescing as {@link ProducerBuilder#coalescing}
         * @return this builder
         */
        public Builder coalescing(Coalescing coalescing) {
            this.coalescing = Objects.requireNonNull(coalescing, "coalescing must not be null");
            return this;
        }

        /**
         * The stream's own spill settings. Without them, a client with spill on gives the stream the directory
         * named after the stream inside the client's.
         *
         * @param spill as {@link ProducerBuilder#spill}
         * @return this builder
         */
        public Builder spill(Spill spill) {
            this.spill = Objects.requireNonNull(spill, "spill must not be null");
            return this;
        }

        /** @return the overrides */
        public StreamOptions build() {
            return new StreamOptions(this);
        }
    }
}
