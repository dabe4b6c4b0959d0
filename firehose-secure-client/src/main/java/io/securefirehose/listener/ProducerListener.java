package io.securefirehose.listener;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Receives what a producer does, as events, for telemetry of the user's own: each {@code PutRecordBatch} call as it
 * starts and as it finishes with its outcome, records that failed, Firehose throttling, and security refusals. Set
 * with {@link io.securefirehose.ProducerBuilder#listener(ProducerListener)}; every method does nothing unless
 * overridden.
 *
 * <p><b>Thread.</b> Every method runs on the producer's listener thread ({@code firehose-secure-listener-<stream>}),
 * one event at a time, in the order the producer produced them: a call's {@link CallStarted} before its {@link
 * CallFinished}. Never on a caller's thread, the sender's thread or an I/O thread.
 *
 * <p><b>A slow listener cannot stall sending.</b> The producer hands events over through a queue of {@value
 * #QUEUE_CAPACITY} and never waits for the listener: while the queue is full, new events are dropped and counted
 * ({@code firehose.producer.listener.events.dropped}). An exception a method throws is logged (its type only) and
 * counted ({@code firehose.producer.listener.errors}); the next event is delivered as usual. At {@code close} the
 * listener gets the events produced until every record was settled, for at most five seconds more.
 *
 * <p>Events hold no record data and no secret. Records' own outcomes are on their futures; the events are for
 * counting and tracing, not for settling records.
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public interface ProducerListener {

    /** Events the producer holds for a listener that has not taken them yet; beyond that they are dropped. */
    int QUEUE_CAPACITY = 1024;

    /**
     * A {@code PutRecordBatch} call is about to be written.
     *
     * @param call the call
     */
    default void callStarted(CallStarted call) {}

    /**
     * A {@code PutRecordBatch} call finished: answered, or failed as a whole.
     *
     * @param call the call and its outcome
     */
    default void callFinished(CallFinished call) {}

    /**
     * Records failed for good: their futures completed exceptionally, for one reason.
     *
     * @param failure how many and why
     */
    default void recordsFailed(RecordsFailed failure) {}

    /**
     * Firehose throttled a call, as a whole or some of its records; the producer retries them and slows down.
     *
     * @param throttled the call and how many of its records
     */
    default void throttled(Throttled throttled) {}

    /**
     * The producer refused something a security rule does not allow: an address that was not pinned, a request to
     * another host or without https, a TLS peer or endpoint outside the policy, or credentials it could not get.
     *
     * @param event which rule and what was seen
     */
    default void securityEvent(SecurityEvent event) {}
}
