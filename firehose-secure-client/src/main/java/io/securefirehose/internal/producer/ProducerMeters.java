package io.securefirehose.internal.producer;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.securefirehose.internal.crypto.EncryptionStatistics;
import io.securefirehose.internal.listen.ListenerDispatch;
import io.securefirehose.listener.RecordsFailed;
import io.securefirehose.metrics.ProducerMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * The recording half of the producer's meters: the engine reports calls, batches and failures here, and the
 * read-only {@link ProducerMetrics} API binds them to registries. Every meter is named {@code firehose.producer.*},
 * tagged {@code stream=<delivery stream name>}, and listed in {@code docs/metrics.md}.
 *
 * <p>Meters are updated once per request or batch on the producer's scheduler thread, never per record on the
 * caller's thread, so an unbound instance costs next to nothing. They are created when the first registry is bound.
 * Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ProducerMeters implements ProducerMetrics {

    private final CompositeMeterRegistry composite = new CompositeMeterRegistry();
    private final Tags tags;
    private final LongSupplier bufferedBytes;
    private final LongSupplier bufferedRecords;
    private final LongSupplier inFlightRequests;
    // Function meters hold their sources weakly; these fields keep them alive as long as the meters are.
    private final LongSupplier refusedAddresses;
    private final LongSupplier refusedRequests;
    private final LongSupplier credentialRefreshFailures;
    private @Nullable EncryptionStatistics encryption; // guarded by this
    private @Nullable SpillStatistics spill; // guarded by this
    // Created when the first registry is bound: meters registered before a registry joins the composite would
    // record nothing for it (and Micrometer warns about exactly that).
    private volatile @Nullable Meters meters;

    /** The meters updated per call; they exist once a registry is bound. */
    private static final class Meters {
        final Counter recordsSent;
        final Counter recordsRetried;
        final Counter bytesSent;
        final Counter throttled;
        final Counter bufferExhausted;
        final Timer requestLatency;
        final Timer bufferTime;
        final DistributionSummary batchRecords;
        final DistributionSummary batchBytes;
        final Map<String, Counter> failedByReason = new ConcurrentHashMap<>();
        final Map<String, Counter> requestsByOutcome = new ConcurrentHashMap<>();

        Meters(ProducerMeters p) {
            recordsSent = p.counter("records.sent", "Records acknowledged by Firehose", "records");
            recordsRetried = p.counter(
                    "records.retried",
                    "Records sent again after a failed attempt (per-record or whole-request failure)",
                    "records");
            bytesSent =
                    p.counter("bytes.sent", "Record bytes (before base64) acknowledged by Firehose", BaseUnits.BYTES);
            throttled = p.counter(
                    "requests.throttled",
                    "PutRecordBatch calls refused with ServiceUnavailableException or another throttling error",
                    "requests");
            bufferExhausted = p.counter(
                    "buffer.exhausted", "send calls refused because the buffer stayed full for maxBlock", "calls");
            requestLatency =
                    p.timer("request.latency", "Time from sending a PutRecordBatch call to its response or failure");
            bufferTime = p.timer(
                    "buffer.time", "Time the oldest record of a batch waited between send and the batch's first call");
            batchRecords = p.summary("batch.records", "Records per PutRecordBatch call", "records");
            batchBytes =
                    p.summary("batch.bytes", "Record bytes (before base64) per PutRecordBatch call", BaseUnits.BYTES);
            p.gauge(
                    "buffered.bytes",
                    "Buffer space in use by accepted records not yet completed",
                    BaseUnits.BYTES,
                    p.bufferedBytes);
            p.gauge(
                    "buffered.records",
                    "Accepted records whose futures have not completed yet",
                    "records",
                    p.bufferedRecords);
            p.gauge("requests.in.flight", "PutRecordBatch calls under way", "requests", p.inFlightRequests);
            Gauge.builder(PREFIX + "send.rate.limit", p, m -> m.sendRateLimit.getAsDouble())
                    .description("Adaptive send rate limit in record bytes per second; +Inf until Firehose throttles")
                    .baseUnit(BaseUnits.BYTES)
                    .tags(p.tags)
                    .register(p.composite);
            FunctionCounter.builder(PREFIX + "security.events", p.refusedAddresses, s -> (double) s.getAsLong())
                    .description("Security events: connections refused because DNS pointed the endpoint at an"
                            + " address that was not verified and pinned at start")
                    .baseUnit("events")
                    .tags(p.tags)
                    .tag("event", "endpoint_address_refused")
                    .register(p.composite);
            FunctionCounter.builder(PREFIX + "security.events", p.refusedRequests, s -> (double) s.getAsLong())
                    .description("Security events: requests refused before connecting because their scheme was not"
                            + " https or their host not the client's endpoint")
                    .baseUnit("events")
                    .tags(p.tags)
                    .tag("event", "request_refused")
                    .register(p.composite);
            FunctionCounter.builder(PREFIX + "credentials.refresh.failures", p.credentialRefreshFailures, s ->
                            (double) s.getAsLong())
                    .description("Failed STS AssumeRole calls for the producer's credentials (retried with backoff)")
                    .baseUnit("calls")
                    .tags(p.tags)
                    .register(p.composite);
        }
    }

    private volatile DoubleSupplier sendRateLimit;
    private final String streamName;
    private volatile ListenerDispatch listener = ListenerDispatch.NONE;

    /**
     * Creates the meters of one producer.
     *
     * @param streamName the delivery stream, used as the {@code stream} tag
     * @param bufferedBytes current buffered bytes
     * @param bufferedRecords current buffered records (accepted, not yet completed)
     * @param inFlightRequests current {@code PutRecordBatch} calls under way
     * @param refusedAddresses connections refused so far because their address was not verified and pinned
     * @param refusedRequests requests refused so far because they were not https to the client's endpoint
     * @param credentialRefreshFailures failed STS calls for the assumed role's credentials so far
     */
    public ProducerMeters(
            String streamName,
            LongSupplier bufferedBytes,
            LongSupplier bufferedRecords,
            LongSupplier inFlightRequests,
            LongSupplier refusedAddresses,
            LongSupplier refusedRequests,
            LongSupplier credentialRefreshFailures) {
        this.tags = Tags.of("stream", streamName);
        this.streamName = streamName;
        this.sendRateLimit = () -> Double.POSITIVE_INFINITY;
        this.bufferedBytes = bufferedBytes;
        this.bufferedRecords = bufferedRecords;
        this.inFlightRequests = inFlightRequests;
        this.refusedAddresses = refusedAddresses;
        this.refusedRequests = refusedRequests;
        this.credentialRefreshFailures = credentialRefreshFailures;
    }

    private Counter counter(String name, String description, String unit) {
        return Counter.builder(PREFIX + name)
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(composite);
    }

    private Timer timer(String name, String description) {
        return Timer.builder(PREFIX + name).description(description).tags(tags).register(composite);
    }

    private DistributionSummary summary(String name, String description, String unit) {
        return DistributionSummary.builder(PREFIX + name)
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(composite);
    }

    private void gauge(String name, String description, String unit, LongSupplier value) {
        Gauge.builder(PREFIX + name, value, LongSupplier::getAsLong)
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .strongReference(true)
                .register(composite);
    }

    /**
     * Sets where the {@code send.rate.limit} gauge reads the adaptive send rate's limit; the producer calls it once.
     *
     * @param bytesPerSecond the current limit in bytes per second, positive infinity while there is none
     */
    public void sendRateLimitMeter(DoubleSupplier bytesPerSecond) {
        this.sendRateLimit = Objects.requireNonNull(bytesPerSecond, "bytesPerSecond");
    }

    /**
     * Adds the encryption meters; the producer calls it once when envelope encryption is on.
     *
     * @param statistics the counters to publish
     */
    public synchronized void encryptionMeters(EncryptionStatistics statistics) {
        this.encryption = statistics;
        if (meters != null) {
            registerEncryption(statistics);
        }
    }

    private void registerEncryption(EncryptionStatistics statistics) {
        // The gauge below holds the statistics strongly, which keeps them alive for the weakly holding meters.
        FunctionCounter.builder(PREFIX + "kms.calls", statistics, s -> (double) s.kmsCalls())
                .description("KMS GenerateDataKey calls made for envelope encryption")
                .baseUnit("calls")
                .tags(tags)
                .register(composite);
        FunctionCounter.builder(PREFIX + "kms.failures", statistics, s -> (double) s.kmsFailures())
                .description("KMS GenerateDataKey calls that failed (retried with backoff)")
                .baseUnit("calls")
                .tags(tags)
                .register(composite);
        FunctionCounter.builder(PREFIX + "encryption.data.keys", statistics, s -> (double) s.dataKeysGenerated())
                .description("Data keys obtained from KMS")
                .baseUnit("keys")
                .tags(tags)
                .register(composite);
        FunctionTimer.builder(
                        PREFIX + "encryption.time",
                        statistics,
                        EncryptionStatistics::sealedRecords,
                        EncryptionStatistics::encryptNanos,
                        TimeUnit.NANOSECONDS)
                .description("Time spent sealing records with AES-256-GCM (count = records sealed)")
                .tags(tags)
                .register(composite);
        FunctionCounter.builder(PREFIX + "encryption.overhead.bytes", statistics, s -> (double) s.overheadBytes())
                .description("Bytes the envelope frames added to the records' plaintext")
                .baseUnit(BaseUnits.BYTES)
                .tags(tags)
                .register(composite);
        Gauge.builder(PREFIX + "encryption.waiting.records", statistics, s -> (double) s.waitingRecords())
                .description("Records waiting for a data key from KMS")
                .baseUnit("records")
                .tags(tags)
                .strongReference(true)
                .register(composite);
    }

    /**
     * Counters of the spill directory, read when meters are published. Implemented by the producer; every method is
     * cheap and thread-safe.
     */
    public interface SpillStatistics {
        /** @return records written to the spill directory */
        long spilledRecords();

        /** @return spilled records that Firehose acknowledged when they were replayed */
        long replayedRecords();

        /** @return records that could not be spilled (directory full, write failed) and failed with their cause */
        long refusedRecords();

        /** @return segments set aside as damaged */
        long damagedSegments();

        /** @return bytes the spill segments take now */
        long bytesOnDisk();
    }

    /**
     * Adds the spill meters; the producer calls it once when spill to disk is on.
     *
     * @param statistics the counters to publish
     */
    public synchronized void spillMeters(SpillStatistics statistics) {
        this.spill = statistics;
        if (meters != null) {
            registerSpill(statistics);
        }
    }

    private void registerSpill(SpillStatistics statistics) {
        FunctionCounter.builder(PREFIX + "spill.records", statistics, s -> (double) s.spilledRecords())
                .description("Records written to the spill directory instead of failing with a retriable cause")
                .baseUnit("records")
                .tags(tags)
                .register(composite);
        FunctionCounter.builder(PREFIX + "spill.replayed", statistics, s -> (double) s.replayedRecords())
                .description("Spilled records acknowledged by Firehose after replay")
                .baseUnit("records")
                .tags(tags)
                .register(composite);
        FunctionCounter.builder(PREFIX + "spill.refused", statistics, s -> (double) s.refusedRecords())
                .description("Records that could not be spilled (directory full or write failed); they failed")
                .baseUnit("records")
                .tags(tags)
                .register(composite);
        FunctionCounter.builder(PREFIX + "spill.damaged.segments", statistics, s -> (double) s.damagedSegments())
                .description("Spill segments set aside as damaged (renamed *.damaged)")
                .baseUnit("segments")
                .tags(tags)
                .register(composite);
        // The gauge holds the statistics strongly, which keeps them alive for the weakly holding counters.
        Gauge.builder(PREFIX + "spill.bytes", statistics, s -> (double) s.bytesOnDisk())
                .description("Bytes the spill directory's segments take")
                .baseUnit(BaseUnits.BYTES)
                .tags(tags)
                .strongReference(true)
                .register(composite);
    }

    /**
     * Tells the producer's listener about failed records from now on, and adds the listener's meters; the producer
     * calls it once, when it has a listener.
     *
     * @param dispatch the producer's listener dispatch
     */
    public synchronized void listenerMeters(ListenerDispatch dispatch) {
        this.listener = dispatch;
        if (meters != null) {
            registerListener(dispatch);
        }
    }

    // Counters hold their object weakly; this.listener keeps the dispatch alive as long as the meters.
    private void registerListener(ListenerDispatch dispatch) {
        FunctionCounter.builder(PREFIX + "listener.events.dropped", dispatch, d -> (double) d.droppedEvents())
                .description("Events the producer listener had no room for because it had not taken the queued ones")
                .baseUnit("events")
                .tags(tags)
                .register(composite);
        FunctionCounter.builder(PREFIX + "listener.errors", dispatch, d -> (double) d.listenerErrors())
                .description("Events on which the producer listener threw")
                .baseUnit("events")
                .tags(tags)
                .register(composite);
    }

    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        composite.add(registry);
        if (meters == null) {
            meters = new Meters(this);
            EncryptionStatistics statistics = encryption;
            if (statistics != null) {
                registerEncryption(statistics);
            }
            SpillStatistics spilling = spill;
            if (spilling != null) {
                registerSpill(spilling);
            }
            ListenerDispatch events = listener;
            if (events.enabled()) {
                registerListener(events);
            }
        }
    }

    /** Removes this producer's meters from every bound registry. Call it after the producer closed, if wanted. */
    @Override
    public void close() {
        List<Meter> meters = new ArrayList<>(composite.getMeters());
        for (Meter meter : meters) {
            composite.remove(meter);
        }
        for (MeterRegistry registry : new ArrayList<>(composite.getRegistries())) {
            for (Meter meter : new ArrayList<>(registry.getMeters())) {
                if (meter.getId().getName().startsWith(PREFIX)
                        && tags.stream()
                                .allMatch(t -> t.getValue().equals(meter.getId().getTag(t.getKey())))) {
                    registry.remove(meter);
                }
            }
            composite.remove(registry);
        }
    }

    /**
     * Records one finished {@code PutRecordBatch} call.
     *
     * @param outcome {@code success}, {@code partial_failure}, {@code throttled}, {@code retriable_error} or
     *     {@code fatal_error}
     * @param latencyNanos time from sending the call to its end
     */
    public void requestFinished(String outcome, long latencyNanos) {
        Meters m = meters;
        if (m == null) {
            return;
        }
        m.requestLatency.record(latencyNanos, TimeUnit.NANOSECONDS);
        m.requestsByOutcome
                .computeIfAbsent(
                        outcome,
                        o -> Counter.builder(PREFIX + "requests")
                                .description("PutRecordBatch calls finished, by outcome")
                                .baseUnit("requests")
                                .tags(tags)
                                .tag("outcome", o)
                                .register(composite))
                .increment();
        if ("throttled".equals(outcome)) {
            m.throttled.increment();
        }
    }

    /**
     * Records a call about to be sent.
     *
     * @param records records in the call
     * @param bytes record bytes in the call
     * @param oldestWaitNanos how long the batch's oldest record waited in the buffer (first attempt only, else -1)
     */
    public void batchSent(int records, long bytes, long oldestWaitNanos) {
        Meters m = meters;
        if (m == null) {
            return;
        }
        m.batchRecords.record(records);
        m.batchBytes.record((double) bytes);
        if (oldestWaitNanos >= 0) {
            m.bufferTime.record(oldestWaitNanos, TimeUnit.NANOSECONDS);
        }
    }

    /**
     * Records acknowledged records.
     *
     * @param records how many
     * @param bytes their bytes
     */
    public void recordsSent(int records, long bytes) {
        Meters m = meters;
        if (m == null) {
            return;
        }
        m.recordsSent.increment((double) records);
        m.bytesSent.increment((double) bytes);
    }

    /**
     * Records records scheduled for another attempt.
     *
     * @param records how many
     */
    public void recordsRetried(int records) {
        Meters m = meters;
        if (m != null) {
            m.recordsRetried.increment((double) records);
        }
    }

    /**
     * Records failed records.
     *
     * @param reason a short, bounded reason: an error code, {@code delivery_timeout} or {@code closed}
     * @param records how many
     */
    public void recordsFailed(String reason, int records) {
        ListenerDispatch events = listener;
        if (events.enabled()) {
            events.publish(new RecordsFailed(streamName, reason, records));
        }
        Meters m = meters;
        if (m == null) {
            return;
        }
        m.failedByReason
                .computeIfAbsent(
                        reason,
                        r -> Counter.builder(PREFIX + "records.failed")
                                .description("Records whose futures failed, by reason")
                                .baseUnit("records")
                                .tags(tags)
                                .tag("reason", r)
                                .register(composite))
                .increment((double) records);
    }

    /** Records a {@code send} refused because the buffer was full. */
    public void bufferExhausted() {
        Meters m = meters;
        if (m != null) {
            m.bufferExhausted.increment();
        }
    }
}
