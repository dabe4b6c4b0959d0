package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.internal.listen.ListenerDispatch;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.listener.CallFinished;
import io.securefirehose.listener.CallStarted;
import io.securefirehose.listener.SecurityEvent;
import io.securefirehose.listener.Throttled;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A transport that tells the producer's listener about each call: {@link CallStarted} before it is handed on,
 * {@link CallFinished} with the outcome the sender will act on ({@link RequestFailure}'s classification), {@link
 * Throttled} when Firehose throttled the call or some of its records, and a {@link SecurityEvent} when the call was
 * refused by a TLS, endpoint or credentials rule. Installed only when there is a listener; per call it reads each
 * record's length and attempt once. Events are published, never delivered, on the calling and completing threads.
 * Closing it closes the wrapped transport, then lets the listener take what is queued.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ListeningTransport implements BatchTransport {

    private final BatchTransport transport;
    private final ListenerDispatch events;
    private final String deliveryStream;
    private final LongSupplier nanoTime;
    private final AtomicLong calls = new AtomicLong();

    /**
     * @param transport the transport that makes the calls
     * @param events where the events go
     * @param deliveryStream the producer's stream, named in every event
     * @param nanoTime the producer's clock, for the latency
     */
    public ListeningTransport(
            BatchTransport transport, ListenerDispatch events, String deliveryStream, LongSupplier nanoTime) {
        this.transport = transport;
        this.events = events;
        this.deliveryStream = deliveryStream;
        this.nanoTime = nanoTime;
    }

    /**
     * Hands the call on, and returns a stage that completes as the call did, once {@link CallFinished} is published:
     * the sender sees the outcome only after the listener's queue has it, so a retry's {@link CallStarted} always
     * follows the {@link CallFinished} of the call it retries.
     */
    @Override
    public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
        long id = calls.incrementAndGet();
        long bytes = 0;
        int attempt = 1;
        for (OutboundRecord record : records) {
            bytes += record.length();
            attempt = Math.max(attempt, record.attempts());
        }
        int count = records.size();
        long totalBytes = bytes;
        events.publish(new CallStarted(deliveryStream, id, count, totalBytes, attempt));
        long started = nanoTime.getAsLong();
        CompletableFuture<BatchResponse> call;
        try {
            call = transport.send(records);
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.whenComplete((answer, error) -> finished(id, count, totalBytes, started, answer, error));
    }

    /** Never throws: the stage the sender waits on must complete as the call did. */
    private void finished(
            long id, int count, long bytes, long started, @Nullable BatchResponse answer, @Nullable Throwable error) {
        try {
            publishOutcome(id, count, bytes, started, answer, error);
        } catch (RuntimeException e) {
            events.dropped(e);
        }
    }

    private void publishOutcome(
            long id, int count, long bytes, long started, @Nullable BatchResponse answer, @Nullable Throwable error) {
        Duration latency = Duration.ofNanos(Math.max(0, nanoTime.getAsLong() - started));
        CallResult result = CallResult.of(count, answer, error);
        events.publish(new CallFinished(
                deliveryStream,
                id,
                count,
                bytes,
                result.outcome(),
                result.acceptedRecords(),
                result.errorCode(),
                latency));
        if (result.throttledRecords() > 0) {
            events.publish(new Throttled(deliveryStream, id, result.throttledRecords(), answer == null));
        }
        Throwable failure = result.failure();
        if (failure != null) {
            SecurityEvent.Kind refusal = securityRule(failure);
            if (refusal != null) {
                events.publish(new SecurityEvent(deliveryStream, refusal, String.valueOf(failure.getMessage())));
            }
        }
    }

    private static SecurityEvent.@Nullable Kind securityRule(Throwable cause) {
        if (cause instanceof TlsPolicyViolationException) {
            return SecurityEvent.Kind.TLS_POLICY_VIOLATION;
        }
        if (cause instanceof EndpointPolicyViolationException) {
            return SecurityEvent.Kind.ENDPOINT_POLICY_VIOLATION;
        }
        if (cause instanceof CredentialsUnavailableException) {
            return SecurityEvent.Kind.CREDENTIALS_UNAVAILABLE;
        }
        return null;
    }

    @Override
    public void close() {
        try {
            transport.close();
        } finally {
            events.close();
        }
    }
}
