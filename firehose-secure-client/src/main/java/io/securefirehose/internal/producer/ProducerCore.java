package io.securefirehose.internal.producer;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.ProducerConfig;
import io.securefirehose.RecordReceipt;
import io.securefirehose.RequestPath;
import io.securefirehose.Spill;
import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.RecordTooLargeException;
import io.securefirehose.internal.aws.RetryBackoff;
import io.securefirehose.internal.crypto.RecordEncryptor;
import io.securefirehose.internal.flow.BufferMemory;
import io.securefirehose.internal.http.BatchTransport;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.spill.SpillStore;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.records.Coalescing;
import io.securefirehose.records.FirehoseLimits;
import io.securefirehose.time.TaskScheduler;
import io.securefirehose.tracing.ProducerTracing;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The producer's engine behind the public facade: the send path (validate, reserve, append), flush and close. It
 * talks to a {@link BatchTransport}, not the SDK, so tests drive it with a hand-moved clock and a fake transport.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ProducerCore implements AutoCloseable {

    /** Buffer space counted for every record on top of its bytes, so that empty records are bounded too. */
    public static final int RECORD_OVERHEAD_BYTES = 64;

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    private final ProducerConfig config;
    private final TaskScheduler scheduler;
    private final @Nullable AutoCloseable ownedScheduler;
    private final BatchTransport transport;
    private final BufferMemory memory;
    private final RecordAccumulator accumulator;
    private final Sender sender;
    private final ProducerMeters metrics;
    private final LongAdder bufferedRecords = new LongAdder();
    private final boolean recordsInSlabs;
    private final long maxBlockNanos;
    private final AtomicBoolean closeStarted = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final @Nullable RecordEncryptor encryptor;
    private final @Nullable Coalescer coalescer;
    private final long recordOverheadBytes;
    private final @Nullable SpillStore spill;
    private final RecordIntake intake;

    public ProducerCore(
            ProducerConfig config,
            BatchTransport transport,
            TaskScheduler scheduler,
            @Nullable AutoCloseable ownedScheduler) {
        this(config, transport, scheduler, ownedScheduler, new SecurityEvents(), () -> 0, null, SendGate.OPEN, null);
    }

    public ProducerCore(
            ProducerConfig config,
            BatchTransport transport,
            TaskScheduler scheduler,
            @Nullable AutoCloseable ownedScheduler,
            SecurityEvents events,
            LongSupplier credentialFailures,
            @Nullable RecordEncryptor encryptor,
            SendGate credentials,
            @Nullable BufferMemory clientShare) {
        this.config = config;
        this.encryptor = encryptor;
        Coalescing coalescing = config.coalescing();
        this.coalescer = coalescing == null
                ? null
                : new Coalescer(
                        coalescing,
                        Math.min(
                                coalescing.maxRecordBytes(),
                                encryptor == null ? FirehoseLimits.MAX_RECORD_BYTES : encryptor.maxPlaintextBytes()),
                        config.linger().toNanos(),
                        scheduler,
                        this::emitPacked);
        this.recordOverheadBytes =
                (long) RECORD_OVERHEAD_BYTES + (encryptor == null ? 0 : encryptor.maxOverheadBytes());
        this.transport = transport;
        this.scheduler = scheduler;
        this.ownedScheduler = ownedScheduler;
        this.memory = clientShare != null ? clientShare : new BufferMemory(config.maxBufferedBytes(), scheduler);
        this.accumulator = new RecordAccumulator(
                config.maxBatchRecords(), config.maxBatchBytes(), new SlabPool(config.maxBufferedBytes()));
        // The lean path copies a slab record's base64 into its body; the SDK client needs each record's own array.
        this.recordsInSlabs = config.requestPath() == RequestPath.LEAN;
        this.maxBlockNanos = config.maxBlock().toNanos();
        this.metrics = new ProducerMeters(
                config.deliveryStreamName(),
                memory::used,
                bufferedRecords::sum,
                this::inFlightRequests,
                events::refusedAddresses,
                events::refusedRequests,
                credentialFailures);
        RetryBackoff backoff = new RetryBackoff(config.retryBackoff(), config.retryBackoffMax());
        Spill spillSettings = config.spill();
        // Opened before anything starts: a directory in use, or holding records this producer must not send, stops
        // the build here.
        this.spill = spillSettings == null
                ? null
                : SpillStore.open(spillSettings, config.deliveryStreamName(), encryptor != null);
        boolean started = false;
        try {
            this.sender = startSender(config, transport, credentials, scheduler, backoff, spillSettings);
            started = true;
        } finally {
            if (!started && spill != null) {
                spill.close(); // releases the directory's lock
            }
        }
        this.intake = new RecordIntake(
                memory,
                accumulator,
                sender,
                encryptor,
                metrics,
                bufferedRecords,
                recordsInSlabs,
                config.deliveryTimeout().toNanos());
        if (encryptor != null) {
            metrics.encryptionMeters(encryptor);
            encryptor.start(intake.parkedRecords());
        }
    }

    private Sender startSender(
            ProducerConfig config,
            BatchTransport transport,
            SendGate credentials,
            TaskScheduler scheduler,
            RetryBackoff backoff,
            @Nullable Spill spillSettings) {
        Sender sender = new Sender(
                config.deliveryStreamName(),
                accumulator,
                transport,
                credentials,
                scheduler,
                memory,
                metrics,
                bufferedRecords,
                new SenderSettings(
                        config.linger().toNanos(),
                        config.maxInFlightRequests(),
                        config.maxBatchRecords(),
                        config.maxBatchBytes(),
                        config.deliveryTimeout(),
                        backoff,
                        SenderSettings.expiryCheckInterval(config.deliveryTimeout()),
                        config.requireServerSideEncryption(),
                        config.rateControl(),
                        spillSettings == null
                                ? 0
                                : spillSettings.replayInterval().toNanos()),
                spill);
        metrics.sendRateLimitMeter(sender::sendRateLimit);
        if (spill != null) {
            metrics.spillMeters(Objects.requireNonNull(sender.spillStatistics()));
        }
        sender.start();
        return sender;
    }

    /**
     * Accepts a record, waiting up to {@code maxBlock} for buffer space. The array is owned by the producer from
     * now on.
     */
    public CompletableFuture<RecordReceipt> send(byte[] data) {
        return send(data, false);
    }

    /**
     * Accepts a record, waiting up to {@code maxBlock} for buffer space.
     *
     * @param data the record
     * @param callerKeepsArray whether the caller may change {@code data} once this returns: a record the producer
     *     keeps in its own array (over {@link SlabPool#MAX_SLAB_RECORD_BYTES}, or waiting for a data key) is then
     *     copied; one read before this returns (written into a slab, packed into a coalesced record, or sealed with
     *     a data key that is ready) never is
     * @return the record's future
     */
    public CompletableFuture<RecordReceipt> send(byte[] data, boolean callerKeepsArray) {
        checkRecordSize(data);
        long cost = bufferCost(data);
        if (scheduler.inSchedulerThread()) {
            if (!memory.tryReserve(cost)) {
                metrics.bufferExhausted();
                throw memory.exhausted(
                        cost,
                        0,
                        "send was called on the producer's callback thread, which must not wait for buffer space");
            }
        } else {
            try {
                memory.reserve(cost, maxBlockNanos);
            } catch (BufferExhaustedException e) {
                metrics.bufferExhausted();
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw memory.exhausted(cost, 0, "interrupted while waiting for buffer space");
            }
        }
        return accept(data, cost, callerKeepsArray);
    }

    /** Accepts a record only if buffer space is free now; returns {@code null} otherwise. */
    public @Nullable CompletableFuture<RecordReceipt> trySend(byte[] data) {
        return trySend(data, false);
    }

    /**
     * Accepts a record only if buffer space is free now.
     *
     * @param data the record
     * @param callerKeepsArray as for {@link #send(byte[], boolean)}
     * @return the record's future, or {@code null} when the buffer is full
     */
    public @Nullable CompletableFuture<RecordReceipt> trySend(byte[] data, boolean callerKeepsArray) {
        checkRecordSize(data);
        long cost = bufferCost(data);
        if (!memory.tryReserve(cost)) {
            return null;
        }
        return accept(data, cost, callerKeepsArray);
    }

    /** Packs the record when coalescing, else seals (when encrypting) and appends it. Its space is reserved. */
    private CompletableFuture<RecordReceipt> accept(byte[] data, long cost, boolean callerKeepsArray) {
        Coalescer packing = coalescer;
        if (packing == null) {
            return intake.sealAndAppend(data, cost, scheduler.nanoTime(), callerKeepsArray);
        }
        boolean added = false;
        try {
            CompletableFuture<RecordReceipt> future = packing.add(data, cost);
            added = true;
            return future;
        } finally {
            if (!added) {
                memory.release(cost);
            }
        }
    }

    private void checkRecordSize(byte[] data) {
        Objects.requireNonNull(data, "record must not be null");
        checkRecordSize(data.length);
        if (coalescer != null) {
            coalescer.check(data);
        }
    }

    /**
     * Refuses a record that would not fit into a Firehose record: over 1,024,000 bytes, or, with envelope
     * encryption, over the plaintext that fits once the frame is added.
     *
     * @param recordBytes the record's size as given to {@code send}
     * @throws RecordTooLargeException naming the size and the exact limit
     */
    public void checkRecordSize(long recordBytes) {
        RecordEncryptor sealing = encryptor;
        Coalescer packing = coalescer;
        if (packing != null && recordBytes > packing.maxRecordBytes()) {
            throw RecordTooLargeException.coalesced(recordBytes, packing.maxRecordBytes());
        }
        if (sealing == null) {
            checkSize(recordBytes);
        } else if (recordBytes > sealing.maxPlaintextBytes()) {
            throw RecordTooLargeException.encrypted(recordBytes, sealing.maxPlaintextBytes());
        }
    }

    /**
     * Refuses a record larger than Firehose accepts.
     *
     * @param recordBytes the record's size
     * @throws RecordTooLargeException if it is over 1,024,000 bytes
     */
    public static void checkSize(long recordBytes) {
        if (recordBytes > FirehoseLimits.MAX_RECORD_BYTES) {
            throw new RecordTooLargeException(recordBytes, FirehoseLimits.MAX_RECORD_BYTES);
        }
    }

    private void emitPacked(Coalescer.Packed packed) {
        intake.emitPacked(packed);
    }

    private long bufferCost(byte[] data) {
        return data.length + recordOverheadBytes;
    }

    /**
     * Sends every record accepted before this call without waiting for linger, and waits until each has completed.
     *
     * @throws IllegalStateException if called from the producer's callback thread
     * @throws CancellationException if the calling thread is interrupted (its interrupt flag is set again)
     */
    public void flush() {
        if (scheduler.inSchedulerThread()) {
            throw new IllegalStateException(
                    "flush() was called from a record callback; it would wait for the thread it runs on. Call it from"
                            + " another thread.");
        }
        if (coalescer != null) {
            coalescer.flush();
        }
        try {
            if (encryptor != null) {
                // Records waiting for a data key first join the buffer (or fail by their deadline).
                encryptor.parkedLeft().get();
            }
            CompletableFuture<Void> all = accumulator.sealAndAwaitAll();
            sender.wakeup();
            all.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("flush interrupted");
        } catch (ExecutionException e) {
            throw new IllegalStateException("unexpected failure while flushing", e);
        }
    }

    /**
     * Refuses new records, sends what is buffered, waits up to {@code timeout} for it, then fails whatever is left
     * with {@link io.securefirehose.errors.ProducerClosedException} and releases threads and connections. From the
     * producer's callback thread it does not wait. Idempotent.
     */
    public void close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("close timeout must not be negative, was " + timeout);
        }
        boolean onSchedulerThread = scheduler.inSchedulerThread();
        if (!closeStarted.compareAndSet(false, true)) {
            if (!onSchedulerThread) {
                awaitQuietly(closed, timeout);
            }
            return;
        }
        long deadline =
                System.nanoTime() + Math.min(timeout.toSeconds(), TimeUnit.DAYS.toSeconds(365)) * 1_000_000_000L;
        if (coalescer != null) {
            // Refuses new records and sends what is packed, while the buffer still takes it.
            coalescer.close();
        }
        RecordEncryptor sealing = encryptor;
        if (sealing != null) {
            sealing.beginClosing();
            if (!onSchedulerThread) {
                // Records waiting for a data key may still get one within the close timeout.
                awaitQuietly(sealing.parkedLeft(), timeout);
            }
        }
        accumulator.close();
        memory.close();
        CompletableFuture<Void> all = accumulator.sealAndAwaitAll();
        if (onSchedulerThread) {
            if (sealing != null) {
                sealing.close();
            }
            sender.terminate();
            shutdown();
            return;
        }
        runOnScheduler(sender::beginClosing);
        awaitQuietly(all, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        runOnScheduler(() -> {
            if (sealing != null) {
                sealing.close();
            }
            sender.terminate();
        });
        shutdown();
    }

    private void shutdown() {
        try {
            transport.close();
        } catch (RuntimeException e) {
            LOG.warn("closing the transport failed: {}", e.toString());
        }
        if (spill != null) {
            spill.close();
        }
        if (ownedScheduler != null) {
            try {
                ownedScheduler.close();
            } catch (Exception e) {
                LOG.warn("stopping the scheduler failed: {}", e.toString());
            }
        }
        closed.complete(null);
    }

    /** Runs a task on the scheduler and waits for it; the task settles records, so it must run. */
    private void runOnScheduler(Runnable task) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        scheduler.execute(() -> {
            try {
                task.run();
                done.complete(null);
            } catch (RuntimeException | Error e) {
                done.completeExceptionally(e);
                throw e;
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                done.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                throw new IllegalStateException("producer shutdown step failed", e.getCause());
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitQuietly(CompletableFuture<Void> future, Duration timeout) {
        try {
            long nanos = timeout.toNanos();
            if (nanos > 0) {
                future.get(nanos, TimeUnit.NANOSECONDS);
            }
        } catch (TimeoutException | ExecutionException e) {
            // Whatever is left is failed next.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Closes and waits as long as deliveries may take: {@code deliveryTimeout} plus a margin. */
    @Override
    public void close() {
        close(config.deliveryTimeout().plus(config.requestTimeout()));
    }

    /** Captures each record's send-time context for the span of the call that carries it; set once, at build. */
    public void traceSends(ProducerTracing tracing) {
        intake.traceSends(tracing);
    }

    public ProducerMeters metrics() {
        return metrics;
    }

    public ProducerConfig config() {
        return config;
    }

    /** Bytes of buffer in use. */
    public long bufferedBytes() {
        return memory.used();
    }

    /** Accepted records not completed yet. */
    public long bufferedRecords() {
        return bufferedRecords.sum();
    }

    /** Batches with records not completed yet. */
    int incompleteBatches() {
        return accumulator.incompleteBatches();
    }

    /** Calls under way. */
    public int inFlightRequests() {
        return sender.inFlightRequests();
    }
}
