package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import org.apiguardian.api.API;

/**
 * Thrown by {@code send} when the producer's buffer stayed full for longer than {@code maxBlock}, and by
 * {@code send} called on the producer's own callback thread when the buffer is full (waiting there would
 * deadlock, because that thread is the one that frees buffer space).
 *
 * <p>The record was not accepted: it takes no buffer space, has no future, and no other record is affected.
 * Retriable: the buffer drains as Firehose acknowledges records. A buffer that is often full means records are
 * produced faster than the stream accepts them; see {@code docs/producer.md} for tuning.
 */
@API(status = STABLE, since = "0.1.0")
public final class BufferExhaustedException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /** Buffer space the refused record needed, in bytes. */
    private final long requestedBytes;
    /** Buffer space in use when the record was refused, in bytes. */
    private final long bufferedBytes;
    /** The configured buffer size, in bytes. */
    private final long maxBufferedBytes;

    /**
     * Creates the exception.
     *
     * @param requestedBytes buffer space the refused record needed
     * @param bufferedBytes buffer space in use when the record was refused
     * @param maxBufferedBytes the configured buffer size
     * @param waited how long {@code send} waited for space
     * @param reason why waiting stopped
     */
    public BufferExhaustedException(
            long requestedBytes, long bufferedBytes, long maxBufferedBytes, Duration waited, String reason) {
        super(
                "buffer full: record needs "
                        + requestedBytes
                        + " bytes of buffer, "
                        + bufferedBytes
                        + " of maxBufferedBytes="
                        + maxBufferedBytes
                        + " are in use, waited "
                        + waited.toMillis()
                        + " ms ("
                        + reason
                        + "); records are produced faster than Firehose acknowledges them: raise maxBufferedBytes or"
                        + " maxBlock, or slow the producer down",
                null,
                true);
        this.requestedBytes = requestedBytes;
        this.bufferedBytes = bufferedBytes;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    /** @return buffer space the refused record needed, in bytes */
    public long requestedBytes() {
        return requestedBytes;
    }

    /** @return buffer space in use when the record was refused, in bytes */
    public long bufferedBytes() {
        return bufferedBytes;
    }

    /** @return the configured buffer size, in bytes */
    public long maxBufferedBytes() {
        return maxBufferedBytes;
    }
}
