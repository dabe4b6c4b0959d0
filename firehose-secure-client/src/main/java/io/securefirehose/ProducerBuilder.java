package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.ServerSideEncryptionRequiredException;
import io.securefirehose.internal.aws.AwsNames;
import io.securefirehose.internal.producer.ProducerAssembly;
import io.securefirehose.internal.producer.ProducerCore;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.records.CoalescedRecords;
import io.securefirehose.records.Coalescing;
import io.securefirehose.records.FirehoseLimits;
import io.securefirehose.time.TaskScheduler;
import io.securefirehose.tracing.ProducerTracing;
import io.securefirehose.transport.TlsEngine;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.function.Consumer;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link SecureFirehoseProducer} ({@link SecureFirehoseProducer#builder()}). Each setter checks its value at once and throws
 * {@link IllegalArgumentException} naming the option, the rule and the value; {@link #build()} checks the
 * rules that tie options together. Not thread-safe; a builder can build several producers.
 */
@API(status = STABLE, since = "0.1.0")
public final class ProducerBuilder extends ConnectionOptions<ProducerBuilder> {

    // Package-private: ProducerConfig reads them when it checks the settings together.

    @Nullable
    String deliveryStreamName;

    Duration linger = ProducerDefaults.LINGER;

    int maxBatchRecords = FirehoseLimits.MAX_RECORDS_PER_BATCH;
    int maxBatchBytes = FirehoseLimits.MAX_BYTES_PER_BATCH;
    long maxBufferedBytes = ProducerDefaults.MAX_BUFFERED_BYTES;
    Duration maxBlock = ProducerDefaults.MAX_BLOCK;
    int maxInFlightRequests = ProducerDefaults.MAX_IN_FLIGHT_REQUESTS;
    Duration deliveryTimeout = ProducerDefaults.DELIVERY_TIMEOUT;
    Duration requestTimeout = ProducerDefaults.REQUEST_TIMEOUT;
    Duration retryBackoff = ProducerDefaults.RETRY_BACKOFF;
    Duration retryBackoffMax = ProducerDefaults.RETRY_BACKOFF_MAX;

    @Nullable
    TaskScheduler scheduler;

    // Package-private as well: a client made from this builder takes them over.
    @Nullable
    Consumer<? super ServiceFailure> serviceFailureListener;

    @Nullable
    ProducerListener listener;

    @Nullable
    ProducerTracing tracing;

    @Nullable
    EnvelopeEncryption encryption;

    boolean requireServerSideEncryption;

    @Nullable
    Coalescing coalescing;

    RequestPath requestPath = RequestPath.LEAN;
    TlsEngine tlsEngine = TlsEngine.JDK;
    boolean rateControl = true;

    @Nullable
    Spill spill;

    ProducerBuilder() {}

    @Override
    ProducerBuilder self() {
        return this;
    }

    /**
     * The delivery stream to send to. Required.
     *
     * @param name 1 to 64 characters of letters, digits, {@code _ . -}
     * @return this builder
     */
    public ProducerBuilder deliveryStream(String name) {
        Objects.requireNonNull(name, "deliveryStream must not be null");
        if (!AwsNames.STREAM_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "deliveryStream must be 1 to 64 characters of letters, digits, '_', '.' or '-', was '" + name
                            + "'");
        }
        this.deliveryStreamName = name;
        return this;
    }

    /**
     * Sets options from string keys, the way a Kafka producer is configured: {@code stream}, {@code region},
     * {@code linger=5ms}, {@code max-buffered-bytes=32MiB}, {@code assume-role.role-arn=...}, and so on for every
     * option a string can express ({@link ProducerProperties#keys()}, listed in {@code docs/configuration.md}).
     * Keys are applied in that list's order, over what was set before; options set afterwards override them.
     *
     * @param properties keys and values; empty values are refused
     * @return this builder
     * @throws IllegalArgumentException naming the key, the value and what is accepted, for an unknown key (with the
     *     closest known one), a malformed value, a value the option refuses, or a key whose group lacks its first
     *     key ({@code assume-role.external-id} without {@code assume-role.role-arn})
     */
    public ProducerBuilder properties(Map<String, String> properties) {
        ProducerProperties.apply(this, Objects.requireNonNull(properties, "properties must not be null"));
        return this;
    }

    /**
     * As {@link #properties(Map)}, from a {@link Properties} object (its defaults included).
     *
     * @param properties keys and values
     * @return this builder
     */
    public ProducerBuilder properties(Properties properties) {
        Objects.requireNonNull(properties, "properties must not be null");
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            values.put(name, properties.getProperty(name));
        }
        return properties(values);
    }

    /**
     * How long a batch that is not full waits for more records before it is sent. Default 5 ms. Larger values
     * make fuller batches (fewer calls, lower cost) at the price of latency.
     *
     * @param linger zero or more
     * @return this builder
     */
    public ProducerBuilder linger(Duration linger) {
        this.linger = nonNegative("linger", linger);
        return this;
    }

    /**
     * Most records per call. Default and maximum 500 (Firehose's limit).
     *
     * @param records 1 to 500
     * @return this builder
     */
    public ProducerBuilder maxBatchRecords(int records) {
        if (records < 1 || records > FirehoseLimits.MAX_RECORDS_PER_BATCH) {
            throw new IllegalArgumentException("maxBatchRecords must be between 1 and "
                    + FirehoseLimits.MAX_RECORDS_PER_BATCH + " (Firehose's PutRecordBatch limit), was " + records);
        }
        this.maxBatchRecords = records;
        return this;
    }

    /**
     * Most record bytes (before base64) per call. Default and maximum 4,194,304 (Firehose's 4 MiB limit); at
     * least 1,024,000 so that any valid record fits.
     *
     * @param bytes 1,024,000 to 4,194,304
     * @return this builder
     */
    public ProducerBuilder maxBatchBytes(int bytes) {
        if (bytes < FirehoseLimits.MAX_RECORD_BYTES || bytes > FirehoseLimits.MAX_BYTES_PER_BATCH) {
            throw new IllegalArgumentException("maxBatchBytes must be between " + FirehoseLimits.MAX_RECORD_BYTES
                    + " (one largest record) and " + FirehoseLimits.MAX_BYTES_PER_BATCH
                    + " (Firehose's 4 MiB limit), was " + bytes);
        }
        this.maxBatchBytes = bytes;
        return this;
    }

    /**
     * Buffer size: the bytes of records accepted but not yet completed, each counted with 64 bytes of overhead.
     * When full, {@code send} blocks up to {@code maxBlock}. Default 32 MiB.
     *
     * @param bytes at least 1,024,064 (one largest record)
     * @return this builder
     */
    public ProducerBuilder maxBufferedBytes(long bytes) {
        long minimum = (long) FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
        if (bytes < minimum) {
            throw new IllegalArgumentException("maxBufferedBytes must be at least " + minimum
                    + " (one largest record plus overhead), was " + bytes);
        }
        this.maxBufferedBytes = bytes;
        return this;
    }

    /**
     * How long {@code send} waits for buffer space before it throws {@link BufferExhaustedException}. Default
     * 60 s; zero never waits.
     *
     * @param maxBlock zero or more
     * @return this builder
     */
    public ProducerBuilder maxBlock(Duration maxBlock) {
        this.maxBlock = nonNegative("maxBlock", maxBlock);
        return this;
    }

    /**
     * Most {@code PutRecordBatch} calls under way at once (also the connection pool size). Default 5.
     *
     * @param requests 1 to 1000
     * @return this builder
     */
    public ProducerBuilder maxInFlightRequests(int requests) {
        if (requests < 1 || requests > 1000) {
            throw new IllegalArgumentException("maxInFlightRequests must be between 1 and 1000, was " + requests);
        }
        this.maxInFlightRequests = requests;
        return this;
    }

    /**
     * Upper bound on the time from {@code send} to the record's future completing, retries included. Default
     * 120 s. Must be at least {@code linger + requestTimeout}.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public ProducerBuilder deliveryTimeout(Duration timeout) {
        this.deliveryTimeout = positive("deliveryTimeout", timeout);
        return this;
    }

    /**
     * Bound on one {@code PutRecordBatch} call; a call that takes longer fails and its records are retried.
     * Default 30 s.
     *
     * @param timeout more than zero
     * @return this builder
     */
    public ProducerBuilder requestTimeout(Duration timeout) {
        this.requestTimeout = positive("requestTimeout", timeout);
        return this;
    }

    /**
     * Backoff between attempts: {@code initial} before the first retry, doubling with each attempt up to
     * {@code max}, each delay spread by a random factor in [0.5, 1.5]. Default 100 ms to 5 s.
     *
     * @param initial first delay, more than zero
     * @param max largest delay, at least {@code initial}
     * @return this builder
     */
    public ProducerBuilder retryBackoff(Duration initial, Duration max) {
        positive("retryBackoff", initial);
        positive("retryBackoffMax", max);
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException(
                    "retryBackoffMax (" + max + ") must be at least retryBackoff (" + initial + ")");
        }
        this.retryBackoff = initial;
        this.retryBackoffMax = max;
        return this;
    }

    /**
     * Encrypts every record on the client with a KMS data key before it is buffered (AES-256-GCM, see
     * {@code docs/envelope-format.md}). Fails closed: a record that cannot be encrypted is never sent; its
     * future fails with {@link EncryptionFailedException}. Records must then fit into
     * {@link EnvelopeEncryption#maxPlaintextBytes()} (Firehose's limit less the frame).
     *
     * <p>The KMS client follows the producer's TLS policy and trust material, and signs with the producer's
     * credentials (the assumed role's, whose session policy then also allows {@code kms:GenerateDataKey} on
     * the key, for this stream's encryption context only; the key must then be given as a key ARN).
     *
     * @param encryption the KMS key and data-key limits
     * @return this builder
     */
    public ProducerBuilder envelopeEncryption(EnvelopeEncryption encryption) {
        this.encryption = Objects.requireNonNull(encryption, "envelopeEncryption must not be null");
        return this;
    }

    /**
     * Packs many small records into one Firehose record (newline-delimited or length-prefixed), because Firehose
     * bills each record rounded up to 5 KB. Each record keeps its own future; records packed together share
     * the {@code RecordId}. Read them back with {@link CoalescedRecords} (or an {@code EnvelopeDecryptor} built
     * with the same framing). Default off.
     *
     * @param coalescing the framing and the largest packed record
     * @return this builder
     */
    public ProducerBuilder coalescing(Coalescing coalescing) {
        this.coalescing = Objects.requireNonNull(coalescing, "coalescing must not be null");
        return this;
    }

    /**
     * Chooses how batches become {@code PutRecordBatch} calls: {@link RequestPath#LEAN} (the default) writes the
     * request itself at a fraction of the SDK client's CPU and allocation, {@link RequestPath#SDK_CLIENT} uses
     * the AWS SDK's {@code FirehoseAsyncClient}. Security rules, retries and outcomes are the same on both.
     *
     * @param path the request path
     * @return this builder
     */
    public ProducerBuilder requestPath(RequestPath path) {
        this.requestPath = Objects.requireNonNull(path, "requestPath must not be null");
        return this;
    }

    /**
     * Chooses the TLS implementation of the producer's own Firehose connections (the {@link RequestPath#LEAN} path):
     * {@link TlsEngine#JDK} (the default) or {@link TlsEngine#BORINGSSL}, which needs
     * {@code io.netty:netty-tcnative-boringssl-static} on the class path. Every TLS rule holds on both; see
     * {@link TlsEngine}. The SDK-client path, STS and KMS always use the JDK's engine.
     *
     * @param engine the TLS engine
     * @return this builder
     */
    public ProducerBuilder tlsEngine(TlsEngine engine) {
        this.tlsEngine = Objects.requireNonNull(engine, "tlsEngine must not be null");
        return this;
    }

    /**
     * Adapts the send rate to the stream's quota (default on): once Firehose throttles, calls are paced at a
     * limit in bytes per second that drops to 80 % of the goodput it measured and climbs back slowly until the
     * next throttle, so that goodput stays near the quota without a storm of resent calls. Off, the producer
     * sends as fast as {@code maxInFlightRequests} allows and relies on retries alone. The current limit is
     * the {@code firehose.producer.send.rate.limit} gauge.
     *
     * @param enabled whether to adapt the send rate
     * @return this builder
     */
    public ProducerBuilder rateControl(boolean enabled) {
        this.rateControl = enabled;
        return this;
    }

    /**
     * Spills records to a local directory instead of failing them when an outage outlasts {@code deliveryTimeout}
     * (or {@code close} gives up on them); their futures complete with a receipt whose
     * {@link RecordReceipt#spilled()} is {@code true}, and the producer replays them once Firehose answers
     * again or at its next start. Default off. See {@link Spill} for the guarantees.
     *
     * @param spill the directory and its bound
     * @return this builder
     */
    public ProducerBuilder spill(Spill spill) {
        this.spill = Objects.requireNonNull(spill, "spill must not be null");
        return this;
    }

    /**
     * Requires the stream's server-side encryption: when Firehose answers a call with {@code Encrypted=false},
     * the call's records fail with {@link ServerSideEncryptionRequiredException} (Firehose stored them, but
     * without encryption at rest) instead of completing. Default off. See {@code docs/security.md} for the
     * posture check that finds this before records are sent.
     *
     * @param required whether to require it
     * @return this builder
     */
    public ProducerBuilder requireServerSideEncryption(boolean required) {
        this.requireServerSideEncryption = required;
        return this;
    }

    /**
     * Tells {@code listener} about each call to an AWS service that failed: a whole {@code PutRecordBatch} call, an
     * STS call for the producer's session, a KMS {@code GenerateDataKey} call. It sees the cause as soon as it
     * happens, where records would otherwise show it only when they fail (a KMS endpoint that does not resolve
     * keeps records waiting for a data key up to {@code deliveryTimeout}). The producer's behaviour does not change:
     * what it retries and what it fails is as documented, and {@link ServiceFailure#permanent()} says which.
     *
     * <p>Runs on the producer's scheduler thread, one failure at a time, in the order they happened; keep it short
     * and never block in it (hand work to another thread; {@code flush} and {@code close} cannot be called from it).
     * An exception it throws is logged and does not stop later calls. No record data or secret is in a failure.
     *
     * @param listener called once per failed call
     * @return this builder
     */
    public ProducerBuilder serviceFailureListener(Consumer<? super ServiceFailure> listener) {
        this.serviceFailureListener = Objects.requireNonNull(listener, "serviceFailureListener must not be null");
        return this;
    }

    /**
     * Tells {@code listener} what the producer does: each {@code PutRecordBatch} call as it starts and as it
     * finishes with its outcome, records that failed, throttling, and security refusals. It runs on a thread of its
     * own ({@code firehose-secure-listener-<stream>}), one event at a time, in order; the producer never waits for
     * it, so a slow listener loses events (counted) rather than slowing sending. See {@link ProducerListener}.
     *
     * @param listener the listener
     * @return this builder
     */
    public ProducerBuilder listener(ProducerListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener must not be null");
        return this;
    }

    /**
     * Traces each {@code PutRecordBatch} call as a span linked to the contexts its records were sent in, for example
     * {@code tracing(OpenTelemetryTracing.of(openTelemetry))}. Off by default: then no context is read per record.
     * See {@link io.securefirehose.tracing.OpenTelemetryTracing}.
     *
     * @param tracing the tracing
     * @return this builder
     */
    public ProducerBuilder tracing(ProducerTracing tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing must not be null");
        return this;
    }

    /**
     * Runs the producer's timers and callbacks on this scheduler instead of a thread of its own. Meant for tests
     * that move time by hand. The producer does not shut down a scheduler given here.
     *
     * @param scheduler the scheduler
     * @return this builder
     */
    public ProducerBuilder scheduler(TaskScheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
        return this;
    }

    /**
     * Checks the settings together and starts the producer.
     *
     * @return a started producer
     * @throws IllegalStateException if a required option is missing or options conflict
     */
    public SecureFirehoseProducer build() {
        return new SecureFirehoseProducer(
                ProducerAssembly.create(buildConfig(), scheduler, serviceFailureListener, listener, tracing));
    }

    /**
     * Checks the settings together and returns them, without starting anything.
     *
     * @return the validated configuration
     * @throws IllegalStateException if a required option is missing or options conflict
     */
    public ProducerConfig buildConfig() {
        return new ProducerConfig(this);
    }

    private static Duration nonNegative(String option, Duration value) {
        Objects.requireNonNull(value, option + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(option + " must not be negative, was " + value);
        }
        return value;
    }

    private static Duration positive(String option, Duration value) {
        Objects.requireNonNull(value, option + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(option + " must be more than zero, was " + value);
        }
        return value;
    }
}
