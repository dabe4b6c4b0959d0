package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.DeliveryTimeoutException;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.errors.RecordTooLargeException;
import io.securefirehose.internal.producer.ProducerCore;
import io.securefirehose.metrics.ProducerMetrics;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;

/**
 * Sends records to one Amazon Kinesis Data Firehose delivery stream with {@code PutRecordBatch}: batched within
 * Firehose's limits, in bounded memory, retrying only the records that failed, over HTTPS with verified
 * certificates.
 *
 * <pre>{@code
 * try (SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
 *         .deliveryStream("orders")
 *         .region(Region.EU_WEST_1)
 *         .build()) {
 *     producer.send("{\"id\":1}\n".getBytes(UTF_8))
 *             .whenComplete((receipt, error) -> { ... });
 * }
 * }</pre>
 *
 * <h2>Guarantees</h2>
 *
 * <ul>
 *   <li>Every future returned by {@code send} completes: with a {@link RecordReceipt} once Firehose acknowledged
 *       the record, or exceptionally with a {@link FirehoseSecureException}: {@link DeliveryFailedException}
 *       (a non-retriable Firehose error, with its code), {@link DeliveryTimeoutException} (not acknowledged
 *       within {@code deliveryTimeout}) or {@link ProducerClosedException}. With {@link ProducerBuilder#spill(Spill)} on,
 *       the records that would fail with the last two complete instead with a spilled receipt
 *       ({@link RecordReceipt#spilled()}) once they are on disk, and are replayed from there.
 *   <li>A call never carries more than 500 records or 4 MiB; records over 1,024,000 bytes are refused by
 *       {@code send} with {@link RecordTooLargeException}.
 *   <li>When Firehose reports some records of a call as failed, only those are sent again, after an
 *       exponential backoff with jitter. Whole-call failures that may pass (throttling, HTTP 5xx, connection
 *       errors, timeouts) are retried the same way; the others fail the call's records at once.
 *   <li>Delivery is at least once: a retried record may be stored twice if Firehose stored it but the response
 *       was lost.
 * </ul>
 *
 * <h2>Threads</h2>
 *
 * <p>All methods are thread-safe. {@code send} runs on the caller's thread and does no I/O; it blocks only while
 * the buffer is full (up to {@code maxBlock}). Futures complete on the producer's single scheduler thread
 * ({@code firehose-secure-sender-<stream>}), so callbacks attached without an executor run there: keep them
 * short and never block in them. The producers of one {@link SecureFirehoseClient} share one such thread,
 * {@code firehose-secure-sender-client}. With spill on, segment writes and replay reads run on that thread too, never on
 * the caller's. From such a callback, {@code send} does not wait for buffer space (it throws
 * {@link BufferExhaustedException} instead) and {@code flush} throws {@link IllegalStateException}.
 */
@API(status = STABLE, since = "0.1.0")
public final class SecureFirehoseProducer implements AutoCloseable {

    private final ProducerCore core;
    /** Runs once the core closed: a client's producer leaves the client. */
    private final Runnable afterClose;

    SecureFirehoseProducer(ProducerCore core) {
        this(core, () -> {});
    }

    SecureFirehoseProducer(ProducerCore core, Runnable afterClose) {
        this.core = core;
        this.afterClose = afterClose;
    }

    /**
     * Starts a builder.
     *
     * @return a builder with the documented defaults
     */
    public static ProducerBuilder builder() {
        return new ProducerBuilder();
    }

    /**
     * Sends a record, waiting up to {@code maxBlock} for buffer space. The caller may reuse the array at once: the
     * producer reads it before this returns (a record of up to 12 KiB into its pooled buffer, or packed, or sealed
     * with a data key that is ready), or copies it.
     *
     * @param record the record's bytes, at most 1,024,000
     * @return completes with a receipt when Firehose acknowledged the record, or with the reason it was not
     * @throws NullPointerException if {@code record} is null
     * @throws RecordTooLargeException if the record exceeds Firehose's record size limit
     * @throws BufferExhaustedException if no buffer space freed up within {@code maxBlock}
     * @throws IllegalStateException if the producer was closed
     */
    public CompletableFuture<RecordReceipt> send(byte[] record) {
        return core.send(record, true);
    }

    /**
     * Sends the remaining bytes of a buffer, waiting up to {@code maxBlock} for buffer space. The bytes are copied;
     * the buffer's position and limit are not changed.
     *
     * @param record the record's bytes, between position and limit
     * @return completes with a receipt when Firehose acknowledged the record, or with the reason it was not
     * @throws NullPointerException if {@code record} is null
     * @throws RecordTooLargeException if the record exceeds Firehose's record size limit
     * @throws BufferExhaustedException if no buffer space freed up within {@code maxBlock}
     * @throws IllegalStateException if the producer was closed
     */
    public CompletableFuture<RecordReceipt> send(ByteBuffer record) {
        return core.send(copyOf(record));
    }

    /**
     * Sends a record only if buffer space is free now; never blocks.
     *
     * @param record the record's bytes, at most 1,024,000; the caller may reuse the array at once
     * @return the record's future, or empty if the buffer is full (the record was not accepted)
     * @throws NullPointerException if {@code record} is null
     * @throws RecordTooLargeException if the record exceeds Firehose's record size limit
     * @throws IllegalStateException if the producer was closed
     */
    public Optional<CompletableFuture<RecordReceipt>> trySend(byte[] record) {
        return Optional.ofNullable(core.trySend(record, true));
    }

    /**
     * Sends every record accepted before this call at once (without waiting for {@code linger}) and blocks until
     * each of their futures has completed, successfully or not. Records sent concurrently with {@code flush} may
     * or may not be included.
     *
     * @throws IllegalStateException if called from a record callback on the producer's thread
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted
     */
    public void flush() {
        core.flush();
    }

    /**
     * Closes the producer, waiting as long as the buffered records may take to deliver ({@code deliveryTimeout}
     * plus {@code requestTimeout}). See {@link #close(Duration)}.
     */
    @Override
    public void close() {
        core.close();
        afterClose.run();
    }

    /**
     * Closes the producer: refuses new records at once, sends what is buffered, waits up to {@code timeout} for
     * it, then fails every record still not acknowledged with {@link ProducerClosedException} and releases
     * connections and threads (with spill on, those records are spilled instead, and their futures complete with
     * spilled receipts). No future is left incomplete. Calling it again waits for the first close.
     *
     * @param timeout how long to wait for buffered records; {@link Duration#ZERO} fails them at once
     */
    public void close(Duration timeout) {
        core.close(timeout);
        afterClose.run();
    }

    /**
     * The producer's meters; bind them with {@code producer.metrics().bindTo(registry)}.
     *
     * @return the meter binder of this producer
     */
    public ProducerMetrics metrics() {
        return core.metrics();
    }

    /**
     * The settings this producer was built with.
     *
     * @return the immutable configuration
     */
    public ProducerConfig config() {
        return core.config();
    }

    private byte[] copyOf(ByteBuffer record) {
        Objects.requireNonNull(record, "record must not be null");
        core.checkRecordSize(record.remaining());
        byte[] copy = new byte[record.remaining()];
        record.duplicate().get(copy);
        return copy;
    }
}
