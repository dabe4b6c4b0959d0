package io.securefirehose.internal.producer;

import io.securefirehose.LoggerNames;
import io.securefirehose.RecordReceipt;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.DeliveryTimeoutException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.errors.ServerSideEncryptionRequiredException;
import io.securefirehose.internal.flow.BufferMemory;
import io.securefirehose.internal.flow.RateController;
import io.securefirehose.internal.http.BatchTransport;
import io.securefirehose.internal.http.RequestFailure;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.spill.SpillStore;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.time.TaskScheduler;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves batches from the accumulator to the transport and decides each record's outcome: acknowledged, retried
 * after a backoff ({@link RetryQueue}), or failed with a typed cause; {@link Settlement} completes the futures. Everything here except {@link #wakeup()} runs on the scheduler thread,
 * one task at a time, so its state needs no locks.
 *
 * <p>Order of preference when a request slot is free: records whose backoff has elapsed, then sealed batches,
 * then the open batch once it has lingered. Only the records a response reports as failed are sent again.
 */
final class Sender {

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    private final String streamName;
    private final RecordAccumulator accumulator;
    private final BatchTransport transport;
    private final SendGate credentials;
    // Why calls are held while the credentials gate is closed, as of the last drain or expiry check; scheduler thread.
    private @Nullable CredentialsUnavailableException heldBy;
    private final TaskScheduler scheduler;
    private final ProducerMeters metrics;
    private final SenderSettings settings;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();

    private final RetryQueue retries = new RetryQueue();
    // RecordBatch keeps identity equality; the linked set keeps dispatch order, so the oldest calls come first.
    private final Set<RecordBatch> inFlight = new LinkedHashSet<>();
    private volatile int inFlightCount;
    // Written and read on the scheduler thread; volatile so that no reordering question arises at shutdown.
    private volatile boolean closing;
    private volatile boolean terminated;
    private final RateController rate;
    private boolean rateWakeupScheduled;
    private final @Nullable SpillReplayer replayer;
    private final Settlement settlement;

    Sender(
            String streamName,
            RecordAccumulator accumulator,
            BatchTransport transport,
            SendGate credentials,
            TaskScheduler scheduler,
            BufferMemory memory,
            ProducerMeters metrics,
            LongAdder bufferedRecords,
            SenderSettings settings,
            @Nullable SpillStore spill) {
        this.streamName = streamName;
        this.accumulator = accumulator;
        this.transport = transport;
        this.credentials = credentials;
        this.scheduler = scheduler;
        this.metrics = metrics;
        this.settings = settings;
        this.rate = new RateController(settings.rateControl());
        this.replayer = spill == null
                ? null
                : new SpillReplayer(
                        streamName,
                        spill,
                        scheduler,
                        this::inject,
                        settings.deliveryTimeout().toNanos(),
                        settings.spillReplayIntervalNanos());
        SpillReplayer replaying = replayer;
        this.settlement = new Settlement(
                streamName,
                accumulator,
                memory,
                metrics,
                bufferedRecords,
                spill,
                replaying == null ? () -> {} : replaying::spilled);
    }

    /** The spill meters' sources; {@code null} without a spill directory. */
    ProducerMeters.@Nullable SpillStatistics spillStatistics() {
        return replayer;
    }

    /** The adaptive send rate's limit now, in bytes per second (infinite until Firehose throttles). Any thread. */
    double sendRateLimit() {
        return rate.limit(scheduler.nanoTime());
    }

    /** Starts the periodic delivery-timeout check. */
    void start() {
        credentials.onOpen(this::wakeup);
        scheduler.schedule(this::checkExpiry, settings.expiryCheckNanos(), TimeUnit.NANOSECONDS);
        if (replayer != null) {
            replayer.start();
        }
    }

    /** Takes records read back from the spill directory; they go out like retries. Scheduler thread. */
    private void inject(List<PendingRecord> records) {
        retries.addReady(records);
        drain();
    }

    /** Asks for a drain soon. Any thread; at most one drain is queued at a time. */
    void wakeup() {
        if (!wakeupPending.getAndSet(true)) {
            submit(this::drain);
        }
    }

    /** Asks for a drain once a batch started now has lingered. Any thread. */
    void batchStarted() {
        if (settings.lingerNanos() == 0) {
            wakeup();
        } else {
            try {
                scheduler.schedule(this::wakeup, settings.lingerNanos(), TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException closed) {
                // The producer is shutting down; close() settles every record.
            }
        }
    }

    int inFlightRequests() {
        return inFlightCount;
    }

    /** From now on, ignore linger: send everything as soon as a slot is free. Scheduler thread. */
    void beginClosing() {
        closing = true;
        if (replayer != null) {
            replayer.stop();
        }
        drain();
    }

    /**
     * Fails every record not yet completed with {@link ProducerClosedException} and ignores responses from now on.
     * Scheduler thread.
     */
    void terminate() {
        terminated = true;
        if (replayer != null) {
            replayer.stop();
        }
        List<PendingRecord> leftovers = retries.takeAll();
        for (RecordBatch batch : inFlight) {
            leftovers.addAll(batch.records);
        }
        accumulator.close();
        for (RecordBatch batch = accumulator.pollSealed(); batch != null; batch = accumulator.pollSealed()) {
            leftovers.addAll(batch.records);
        }
        settlement.failAtClose(leftovers);
    }

    private void drain() {
        wakeupPending.set(false);
        if (terminated) {
            return;
        }
        // A call without credentials would fail before a byte is sent: hold the records until the gate opens (its
        // listener asks for a drain) or their deliveryTimeout passes.
        heldBy = credentials.closedBecause();
        if (heldBy != null) {
            return;
        }
        long now = scheduler.nanoTime();
        accumulator.capBatchBytes(rate.callBytes(now));
        while (inFlight.size() < settings.maxInFlight()) {
            long wait = rate.delayNanos(now);
            if (wait > 0) {
                wakeupAfter(wait);
                return;
            }
            RecordBatch batch = nextBatch(now);
            if (batch == null) {
                return;
            }
            dispatch(batch, now);
        }
    }

    /** One drain once the send rate allows the next call; at most one such wake-up is pending. */
    private void wakeupAfter(long nanos) {
        if (rateWakeupScheduled) {
            return;
        }
        rateWakeupScheduled = true;
        try {
            scheduler.schedule(
                    () -> {
                        rateWakeupScheduled = false;
                        drain();
                    },
                    nanos,
                    TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // The producer is shutting down; close() settles every record.
        }
    }

    private @Nullable RecordBatch nextBatch(long now) {
        RecordBatch retry =
                retries.nextBatch(settings.maxBatchRecords(), Math.min(settings.maxBatchBytes(), rate.callBytes(now)));
        if (retry != null) {
            return retry;
        }
        for (RecordBatch batch = accumulator.pollSealed(); batch != null; batch = accumulator.pollSealed()) {
            batch.removeCompleted();
            if (!batch.isEmpty()) {
                return batch;
            }
        }
        RecordBatch open = accumulator.takeOpen(now, settings.lingerNanos(), closing);
        if (open != null) {
            open.removeCompleted();
            if (!open.isEmpty()) {
                return open;
            }
        }
        return null;
    }

    // The handler only hands the outcome to the scheduler, which cannot fail short of shutdown (handled there).
    @SuppressWarnings("FutureReturnValueIgnored")
    private void dispatch(RecordBatch batch, long now) {
        boolean firstAttempt = true;
        long oldestEnqueued = now;
        for (PendingRecord record : batch.records) {
            firstAttempt &= record.attempts == 0;
            oldestEnqueued = Math.min(oldestEnqueued, record.enqueuedNanos);
            record.attempts++;
            record.inFlight = true;
        }
        batch.markRequestStart(now);
        inFlight.add(batch);
        inFlightCount = inFlight.size();
        metrics.batchSent(batch.size(), batch.bytes(), firstAttempt ? now - oldestEnqueued : -1);
        rate.sent(batch.bytes(), now);
        CompletableFuture<BatchResponse> call;
        try {
            call = transport.send(batch.records);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((response, error) -> submit(() -> onCallFinished(batch, response, error)));
    }

    private void onCallFinished(RecordBatch batch, @Nullable BatchResponse response, @Nullable Throwable error) {
        inFlight.remove(batch);
        inFlightCount = inFlight.size();
        for (PendingRecord record : batch.records) {
            record.inFlight = false;
        }
        if (terminated) {
            return;
        }
        long now = scheduler.nanoTime();
        long latency = now - batch.requestStartNanos();
        if (error != null) {
            onCallFailed(batch, RequestFailure.classify(error), latency, now);
        } else if (response == null || response.size() != batch.size()) {
            onCallFailed(
                    batch,
                    RequestFailure.malformedResponse((response == null ? "none" : String.valueOf(response.size()))
                            + " results for " + batch.size() + " records"),
                    latency,
                    now);
        } else {
            onResponse(batch, response, latency, now);
        }
        drain();
    }

    private void onResponse(RecordBatch batch, BatchResponse response, long latencyNanos, long now) {
        List<PendingRecord> failed = null;
        int acknowledged = 0;
        long acknowledgedBytes = 0;
        int unencrypted = 0;
        boolean refuseUnencrypted = settings.requireServerSideEncryption() && !response.encrypted();
        for (int i = 0; i < batch.size(); i++) {
            PendingRecord record = batch.records.get(i);
            String recordId = response.recordId(i);
            if (recordId != null) {
                if (!record.completed) {
                    acknowledged++;
                    acknowledgedBytes += record.length;
                    if (refuseUnencrypted) {
                        unencrypted++;
                        settlement.fail(record, new ServerSideEncryptionRequiredException(streamName, recordId), null);
                    } else {
                        settlement.complete(record, new RecordReceipt(recordId, record.attempts, response.encrypted()));
                    }
                }
                continue;
            }
            String code = response.errorCode(i);
            record.lastErrorCode = code == null ? "MissingRecordResult" : code;
            record.lastError = null;
            if (!record.completed) {
                if (failed == null) {
                    failed = new ArrayList<>();
                }
                failed.add(record);
            }
        }
        metrics.recordsSent(acknowledged, acknowledgedBytes);
        metrics.requestFinished(failed == null ? "success" : "partial_failure", latencyNanos);
        if (acknowledged > 0 && replayer != null) {
            replayer.deliverySucceeded();
        }
        long throttledRecords = failed == null
                ? 0
                : failed.stream()
                        .filter(r -> "ServiceUnavailableException".equals(r.lastErrorCode))
                        .count();
        rate.answered(
                acknowledgedBytes,
                throttledRecords > 0 && throttledRecords >= RateController.THROTTLED_SHARE * batch.size(),
                batch.requestStartNanos(),
                now);
        if (unencrypted > 0) {
            metrics.recordsFailed("server_side_encryption_off", unencrypted);
            LOG.warn(
                    "stream {}: Firehose stored {} record(s) but reported Encrypted=false; failing them because"
                            + " requireServerSideEncryption is set",
                    streamName,
                    unencrypted);
        }
        if (failed != null) {
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "stream {}: {} of {} records not accepted (first code {}), retrying only those",
                        streamName,
                        failed.size(),
                        batch.size(),
                        failed.get(0).lastErrorCode);
            }
            retryLater(failed, now);
        }
    }

    private void onCallFailed(RecordBatch batch, RequestFailure failure, long latencyNanos, long now) {
        rate.answered(0, failure.throttled(), batch.requestStartNanos(), now);
        metrics.requestFinished(
                failure.throttled() ? "throttled" : failure.retriable() ? "retriable_error" : "fatal_error",
                latencyNanos);
        List<PendingRecord> open = new ArrayList<>(batch.size());
        for (PendingRecord record : batch.records) {
            if (!record.completed) {
                record.lastErrorCode = failure.code();
                record.lastError = failure.cause();
                open.add(record);
            }
        }
        if (failure.retriable()) {
            if (LOG.isDebugEnabled()) {
                LOG.debug(
                        "stream {}: PutRecordBatch failed with {}, retrying {} records",
                        streamName,
                        failure.code(),
                        open.size());
            }
            retryLater(open, now);
            return;
        }
        LOG.warn(
                "stream {}: PutRecordBatch failed with non-retriable {}: {}; failing {} record(s)",
                streamName,
                failure.code(),
                failure.message(),
                open.size());
        for (PendingRecord record : open) {
            settlement.failRefused(record, failure);
        }
    }

    private void retryLater(List<PendingRecord> records, long now) {
        if (records.isEmpty()) {
            return;
        }
        int attempt = 1;
        for (PendingRecord record : records) {
            attempt = Math.max(attempt, record.attempts);
            // Its slab's other records have most likely completed: it should not keep the whole slab alive.
            record.moveOutOfSlab();
        }
        long delayNanos = TimeUnit.MILLISECONDS.toNanos(settings.backoff().delayMillis(attempt));
        metrics.recordsRetried(records.size());
        retries.addWaiting(records, now + delayNanos);
        try {
            scheduler.schedule(this::promoteDueRetries, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // close() settles every record.
        }
    }

    private void promoteDueRetries() {
        long now = scheduler.nanoTime();
        retries.promoteDue(now);
        drain();
    }

    private void checkExpiry() {
        if (terminated) {
            return;
        }
        long now = scheduler.nanoTime();
        // The gate may have closed since the last drain; a record that times out waiting should say so.
        heldBy = credentials.closedBecause();
        accumulator.sealOpenIfExpired(now);
        // Oldest first (calls under way, then retries, then sealed batches), so that when the spill directory is
        // full it is the newest records that fail.
        List<PendingRecord> expired = new ArrayList<>();
        for (RecordBatch batch : inFlight) {
            for (PendingRecord record : batch.records) {
                addIfExpired(record, now, expired);
            }
        }
        retries.forEach(record -> addIfExpired(record, now, expired));
        // Sealed batches hold records in acceptance order, so deadlines only grow along the queue.
        sealed:
        for (RecordBatch batch : accumulator.sealedView()) {
            for (PendingRecord record : batch.records) {
                if (record.completed) {
                    continue;
                }
                if (!record.isExpired(now)) {
                    break sealed;
                }
                record.completed = true;
                expired.add(record);
            }
        }
        expired.sort(Comparator.comparingLong(r -> r.enqueuedNanos - now));
        int failed = settlement.spillOrFail(expired, this::timedOut);
        if (failed > 0) {
            metrics.recordsFailed("delivery_timeout", failed);
            LOG.warn("stream {}: {} record(s) failed after deliveryTimeout", streamName, failed);
        }
        try {
            scheduler.schedule(this::checkExpiry, settings.expiryCheckNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // close() settles every record.
        }
    }

    /** Marks the record completed at once, so that no other path settles it before it is spilled or failed. */
    private static void addIfExpired(PendingRecord record, long now, List<PendingRecord> expired) {
        if (!record.completed && record.isExpired(now)) {
            record.completed = true;
            expired.add(record);
        }
    }

    private DeliveryTimeoutException timedOut(PendingRecord record) {
        CredentialsUnavailableException held = heldBy;
        if (held != null && !record.inFlight) {
            return new DeliveryTimeoutException(
                    settings.deliveryTimeout(), record.attempts, "CredentialsUnavailableException", false, held);
        }
        return new DeliveryTimeoutException(
                settings.deliveryTimeout(), record.attempts, record.lastErrorCode, record.inFlight, record.lastError);
    }

    private void submit(Runnable task) {
        try {
            scheduler.execute(task);
        } catch (RejectedExecutionException shuttingDown) {
            // Only after terminate(): every record has been settled already.
        }
    }
}
