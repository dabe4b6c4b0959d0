package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A record's future fails with this when the producer was closed before Firehose acknowledged the record:
 * {@code close(timeout)} ran out of time, or the record was still buffered when the producer shut down.
 *
 * <p>Retriable in the sense that another producer may send the record again; if {@link #wasInFlight()} is
 * {@code true}, Firehose may have stored it already.
 */
@API(status = STABLE, since = "0.1.0")
public final class ProducerClosedException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /** Whether a call carrying the record was still under way. */
    private final boolean inFlight;

    /**
     * Creates the exception.
     *
     * @param attempts number of {@code PutRecordBatch} calls that carried the record
     * @param inFlight whether a call carrying the record was still under way
     */
    public ProducerClosedException(int attempts, boolean inFlight) {
        super(
                "producer closed before delivery: the record was not acknowledged before close() gave up, after "
                        + attempts
                        + " attempt(s)"
                        + (inFlight ? "; a call carrying it was in flight, so Firehose may have stored it" : "")
                        + "; give close() more time, or flush() before closing",
                null,
                true);
        this.inFlight = inFlight;
    }

    /** @return whether a call carrying the record was still under way when the producer closed */
    public boolean wasInFlight() {
        return inFlight;
    }
}
