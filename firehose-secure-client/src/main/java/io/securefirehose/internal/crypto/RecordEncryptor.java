package io.securefirehose.internal.crypto;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.crypto.EnvelopeFormat;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.internal.aws.RetryBackoff;
import io.securefirehose.internal.aws.ServiceAnswer;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.keys.DataKey;
import io.securefirehose.time.TaskScheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seals records into envelope frames with cached KMS data keys.
 *
 * <ul>
 *   <li>Hot path ({@link #trySeal}, caller's thread): claim the current key, seal with AES-256-GCM and a fresh
 *       random nonce, release. No I/O, no lock; when a quarter of a key's limits is left its successor is asked for
 *       once, in the background.
 *   <li>No usable key (start, KMS outage, a key ran out before its successor arrived): the record is parked, in
 *       order, and sealed on the scheduler thread as soon as a key arrives; parked records that reach their
 *       delivery deadline fail with {@link EncryptionFailedException}. A refusal that will repeat (access denied,
 *       disabled key) fails them at once.
 *   <li>KMS calls run one at a time, retried with backoff; keys are retired (and wiped) when a limit is reached or
 *       on their age timer.
 * </ul>
 */
@API(status = INTERNAL, since = "0.1.0")
public final class RecordEncryptor implements AutoCloseable, EncryptionStatistics {

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.ENCRYPTION);

    /** Where sealed or failed parked records go; called on the scheduler thread. */
    public interface Sink {
        void sealed(ParkedRecord record, byte[] frame);

        void failed(ParkedRecord record, FirehoseSecureException cause);
    }

    private final EnvelopeEncryption settings;
    private final DataKeySource source;
    private final SendGate credentials;
    private final ServiceFailureReporter.Calls failedCalls;
    private boolean awaitingCredentials; // scheduler thread only
    private final TaskScheduler scheduler;
    private final RetryBackoff backoff;
    private final Duration deliveryTimeout;
    private final long expiryCheckNanos;
    private final byte[] encodedContext;
    private final int maxOverheadBytes;
    private final int maxPlaintextBytes;
    private final AtomicReference<@Nullable DataKey> current = new AtomicReference<>();
    private final AtomicReference<@Nullable DataKey> next = new AtomicReference<>();
    private final AtomicBoolean fetchWanted = new AtomicBoolean();
    private final AtomicBoolean drainScheduled = new AtomicBoolean();
    private final AtomicBoolean sweepScheduled = new AtomicBoolean();
    private final ArrayDeque<ParkedRecord> waiting = new ArrayDeque<>(); // guarded by itself
    private volatile int waitingCount;
    private volatile boolean closing;
    private volatile @Nullable EncryptionFailedException lastFailure;
    private int consecutiveFailures; // scheduler thread only
    private volatile @Nullable Sink sink;

    private final FrameSealer sealer = new FrameSealer();
    private final AtomicLong kmsCalls = new AtomicLong();
    private final AtomicLong kmsFailures = new AtomicLong();
    private final AtomicLong dataKeysGenerated = new AtomicLong();

    public RecordEncryptor(
            EnvelopeEncryption settings,
            DataKeySource source,
            TaskScheduler scheduler,
            RetryBackoff backoff,
            Duration deliveryTimeout,
            long expiryCheckNanos,
            SendGate credentials,
            ServiceFailureReporter.Calls failedCalls) {
        this.failedCalls = failedCalls;
        this.credentials = credentials;
        this.settings = settings;
        this.source = source;
        this.scheduler = scheduler;
        this.backoff = backoff;
        this.deliveryTimeout = deliveryTimeout;
        this.expiryCheckNanos = expiryCheckNanos;
        this.encodedContext = EnvelopeFormat.encodeContext(settings.encryptionContext());
        this.maxOverheadBytes =
                EnvelopeFormat.overheadBytes(EnvelopeFormat.MAX_ENCRYPTED_DATA_KEY_BYTES, encodedContext.length);
        this.maxPlaintextBytes = settings.maxPlaintextBytes();
    }

    /** Connects the sink and asks for the first key. */
    public void start(Sink sink) {
        this.sink = sink;
        credentials.onOpen(() -> submit(this::credentialsArrived, 0));
        requestKey();
    }

    private void credentialsArrived() {
        if (awaitingCredentials) {
            awaitingCredentials = false;
            fetch();
        }
    }

    /** @return the largest plaintext accepted */
    public int maxPlaintextBytes() {
        return maxPlaintextBytes;
    }

    /** @return the most bytes a frame adds to a plaintext */
    public int maxOverheadBytes() {
        return maxOverheadBytes;
    }

    /**
     * Seals a record if a key is ready and no record is waiting before it.
     *
     * @return the frame, or {@code null} when the record must be {@linkplain #park parked}
     */
    public byte @Nullable [] trySeal(byte[] plaintext) {
        if (waitingCount > 0) {
            return null;
        }
        DataKey key = claimKey(plaintext.length);
        return key == null ? null : sealer.seal(key, plaintext);
    }

    /**
     * Queues a record until a key arrives.
     *
     * @throws IllegalStateException if the producer is closing
     */
    public void park(ParkedRecord record) {
        synchronized (waiting) {
            if (closing) {
                throw new IllegalStateException("send after close: the producer was closed");
            }
            waiting.addLast(record);
            waitingCount = waiting.size();
        }
        // A key may have arrived between trySeal and here: drain in any case.
        if (drainScheduled.compareAndSet(false, true)) {
            submit(this::drain, 0);
        }
        if (sweepScheduled.compareAndSet(false, true)) {
            submit(this::sweep, expiryCheckNanos);
        }
    }

    /** @return futures that complete when each record parked now has left the queue */
    public CompletableFuture<Void> parkedLeft() {
        List<CompletableFuture<Void>> left = new ArrayList<>();
        synchronized (waiting) {
            for (ParkedRecord record : waiting) {
                left.add(record.left);
            }
        }
        return CompletableFuture.allOf(left.toArray(new CompletableFuture<?>[0]));
    }

    /** Refuses new parked records from now on. */
    public void beginClosing() {
        synchronized (waiting) {
            closing = true;
        }
    }

    private @Nullable DataKey claimKey(int plaintextBytes) {
        // Bounded: each turn either succeeds, gives up, or replaces a key that ran out by its successor.
        for (int turn = 0; turn < 4; turn++) {
            DataKey key = current.get();
            if (key == null) {
                requestKey();
                return null;
            }
            long now = scheduler.nanoTime();
            DataKey.Use use = key.tryUse(plaintextBytes, now);
            if (use == DataKey.Use.GRANTED) {
                if (next.get() == null && key.wantsSuccessor(now)) {
                    requestKey();
                }
                return key;
            }
            DataKey successor = next.get();
            if (successor == null) {
                requestKey();
                return null;
            }
            if (current.compareAndSet(key, successor)) {
                next.compareAndSet(successor, null);
                key.retire();
            }
        }
        return null;
    }

    private void requestKey() {
        if (!closing && fetchWanted.compareAndSet(false, true)) {
            submit(this::fetch, 0);
        }
    }

    // The handler settles every outcome on the scheduler; the future it returns has nothing left to report.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void fetch() {
        if (closing) {
            return;
        }
        CredentialsUnavailableException unsigned = credentials.closedBecause();
        if (unsigned != null) {
            // KMS cannot be called without credentials: wait for them (their arrival fetches) rather than back off
            // and warn. fetchWanted stays set, so no other fetch starts meanwhile.
            awaitingCredentials = true;
            lastFailure = new EncryptionFailedException(
                    "no data key from KMS key " + settings.kmsKeyId() + " yet: " + unsigned.getMessage()
                            + " (records wait up to deliveryTimeout " + deliveryTimeout + ")",
                    true,
                    unsigned);
            return;
        }
        CompletableFuture<DataKeySource.Generated> call;
        try {
            call = source.generate();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((generated, error) -> {
            try {
                submit(() -> onAnswer(generated, error), 0);
            } finally {
                if (closing && generated != null) {
                    Arrays.fill(generated.plaintext(), (byte) 0);
                }
            }
        });
    }

    private void onAnswer(DataKeySource.@Nullable Generated generated, @Nullable Throwable error) {
        if (closing) {
            if (generated != null) {
                Arrays.fill(generated.plaintext(), (byte) 0);
            }
            return;
        }
        if (generated == null) {
            onFailure(error == null ? new IllegalStateException("no data key and no error") : error);
            return;
        }
        kmsCalls.incrementAndGet();
        dataKeysGenerated.incrementAndGet();
        consecutiveFailures = 0;
        lastFailure = null;
        long now = scheduler.nanoTime();
        DataKey key = new DataKey(
                generated.plaintext(),
                EnvelopeFormat.framePrefix(generated.encrypted(), encodedContext),
                generated.keyArn(),
                now,
                settings.maxRecordsPerDataKey(),
                settings.maxBytesPerDataKey(),
                settings.maxDataKeyAge().toNanos());
        DataKey active = current.get();
        if (active == null || !active.usable(0, now)) {
            current.set(key);
            if (active != null) {
                active.retire();
            }
        } else if (!next.compareAndSet(null, key)) {
            key.retire();
        }
        fetchWanted.set(false);
        long age = key.maxAgeNanos();
        submit(() -> successorDue(key), age - age / 4);
        submit(() -> expire(key), age);
        drain();
    }

    private void successorDue(DataKey key) {
        if (current.get() == key && next.get() == null) {
            requestKey();
        }
    }

    /** The age timer: a key past its age is taken out of service even if no record comes to notice it. */
    private void expire(DataKey key) {
        if (current.get() == key) {
            DataKey successor = next.getAndSet(null);
            current.compareAndSet(key, successor);
            if (successor == null) {
                requestKey();
            }
        } else {
            next.compareAndSet(key, null);
        }
        key.retire();
    }

    private void onFailure(Throwable error) {
        ServiceAnswer answer = ServiceAnswer.of(error);
        Throwable cause = answer.cause();
        String code = answer.code();
        // No credentials to sign with yet (the assumed role's first session is on its way): KMS was not called,
        // and the credentials report their own failures.
        boolean unsigned = cause instanceof CredentialsUnavailableException;
        boolean permanent = answer.isPermanent(ServiceAnswer.PERMANENT_KMS_ERRORS)
                || cause instanceof KmsDataKeySource.UnusableDataKeyException;
        EncryptionFailedException failure = new EncryptionFailedException(
                "no data key from KMS key " + settings.kmsKeyId() + ": GenerateDataKey failed with " + code + ": "
                        + cause.getMessage()
                        + (permanent
                                ? " (check the key policy or grants, the key's state, and the encryption context"
                                        + " condition; records are not sent unencrypted)"
                                : " (retrying with backoff; records wait up to deliveryTimeout " + deliveryTimeout
                                        + ")"),
                !permanent,
                cause);
        lastFailure = failure;
        if (!unsigned) {
            kmsCalls.incrementAndGet();
            kmsFailures.incrementAndGet();
            failedCalls.report("GenerateDataKey", code, failure, permanent);
        }
        LOG.warn(
                "KMS GenerateDataKey for key {} failed with {}; {} record(s) waiting for a data key",
                settings.kmsKeyId(),
                code,
                waitingCount);
        if (permanent) {
            failWaiting(failure, Long.MAX_VALUE);
        }
        consecutiveFailures++;
        // fetchWanted stays set: callers do not pile up calls while the retry waits.
        submit(this::fetch, TimeUnit.MILLISECONDS.toNanos(backoff.delayMillis(consecutiveFailures)));
    }

    /** Seals parked records in order while a key is usable; on the scheduler thread. */
    private void drain() {
        drainScheduled.set(false);
        Sink target = sink;
        if (target == null) {
            return;
        }
        while (true) {
            ParkedRecord record;
            synchronized (waiting) {
                record = waiting.peekFirst();
            }
            if (record == null) {
                return;
            }
            DataKey key = claimKey(record.plaintext.length);
            if (key == null) {
                return;
            }
            byte[] frame = sealer.seal(key, record.plaintext);
            synchronized (waiting) {
                waiting.pollFirst();
                waitingCount = waiting.size();
            }
            target.sealed(record, frame);
            record.left.complete(null);
        }
    }

    /** Fails parked records past their deadline; runs while records wait. */
    private void sweep() {
        long now = scheduler.nanoTime();
        EncryptionFailedException last = lastFailure;
        EncryptionFailedException timeout = new EncryptionFailedException(
                "no data key from KMS key " + settings.kmsKeyId() + " within deliveryTimeout " + deliveryTimeout
                        + (last == null ? ": KMS has not answered" : ": " + last.getMessage()),
                true,
                last == null ? null : last.getCause());
        failWaiting(timeout, now);
        boolean more;
        synchronized (waiting) {
            more = !waiting.isEmpty();
            if (!more) {
                sweepScheduled.set(false);
            }
        }
        if (more) {
            submit(this::sweep, expiryCheckNanos);
        }
    }

    /** Fails waiting records whose deadline is at or before {@code nowNanos} ({@code MAX_VALUE}: all of them). */
    private void failWaiting(FirehoseSecureException cause, long nowNanos) {
        Sink target = sink;
        while (true) {
            ParkedRecord record;
            synchronized (waiting) {
                record = waiting.peekFirst();
                if (record == null || (nowNanos != Long.MAX_VALUE && nowNanos - record.deadlineNanos < 0)) {
                    return;
                }
                waiting.pollFirst();
                waitingCount = waiting.size();
            }
            if (target != null) {
                target.failed(record, cause);
            }
            record.left.complete(null);
        }
    }

    private void submit(Runnable task, long delayNanos) {
        try {
            if (delayNanos <= 0) {
                scheduler.execute(task);
            } else {
                scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
            }
        } catch (RejectedExecutionException shuttingDown) {
            // The producer is closing; close() settles what is parked.
        }
    }

    /** Fails whatever is still parked, retires the keys and closes KMS; on the scheduler thread. */
    @Override
    public void close() {
        beginClosing();
        // Still waiting for a data key: never sent, so no attempt and nothing in flight.
        failWaiting(new ProducerClosedException(0, false), Long.MAX_VALUE);
        DataKey active = current.getAndSet(null);
        if (active != null) {
            active.retire();
        }
        DataKey successor = next.getAndSet(null);
        if (successor != null) {
            successor.retire();
        }
        source.close();
    }

    // ---- statistics for the meters ----

    @Override
    public long encryptNanos() {
        return sealer.encryptNanos();
    }

    @Override
    public long sealedRecords() {
        return sealer.sealedRecords();
    }

    @Override
    public long overheadBytes() {
        return sealer.overheadBytes();
    }

    @Override
    public long kmsCalls() {
        return kmsCalls.get();
    }

    @Override
    public long kmsFailures() {
        return kmsFailures.get();
    }

    @Override
    public long dataKeysGenerated() {
        return dataKeysGenerated.get();
    }

    @Override
    public long waitingRecords() {
        return waitingCount;
    }

    /** @return the key records are sealed with now, for tests */
    @Nullable
    public DataKey currentKey() {
        return current.get();
    }
}
