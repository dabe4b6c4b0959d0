package io.securefirehose.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.RecordReceipt;
import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.DeliveryTimeoutException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.records.FirehoseLimits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Where records are when things go wrong, and what the producer counts: every structure a record can wait in
 * (open batch, sealed batches, retry backoff, in flight) is settled by timeouts and by close, and each outcome
 * shows up in the metrics exactly once.
 */
class ProducerCoreAccountingTest extends CoreTestSupport {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void noProducerYet() {
        assertThat(core).isNull();
    }

    private ProducerCore bound(ProducerCore created) {
        created.metrics().bindTo(registry);
        return created;
    }

    private double failed(String reason) {
        return registry.find("firehose.producer.records.failed").tag("reason", reason).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    private double requests(String outcome) {
        return registry.find("firehose.producer.requests").tag("outcome", outcome).counters().stream()
                .mapToDouble(c -> c.count())
                .sum();
    }

    @Test
    void theReceiptCarriesTheEncryptedFlagAndTimingsAreMeasuredOnTheSchedulersClock() {
        bound(core(b -> b));
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        lingerOut();
        scheduler.advance(Duration.ofMillis(30));
        transport.answer(0, i -> null, true);
        settle();
        assertThat(future.join().serverSideEncrypted()).isTrue();
        assertThat(registry.get("firehose.producer.request.latency").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(30.0);
        assertThat(registry.get("firehose.producer.buffer.time").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(50.0);
        assertThat(registry.get("firehose.producer.batch.bytes").summary().totalAmount())
                .isEqualTo(10.0);
        assertThat(core.incompleteBatches()).isZero();
    }

    @Test
    void aBatchWaitingForLingerIsNotSentEarlyWhenAnotherCallFinishes() {
        core(b -> b.linger(Duration.ofMillis(50)));
        core.send(bytes(1, 1));
        lingerOut();
        scheduler.advance(Duration.ofMillis(20));
        core.send(bytes(1, 2));
        settle();
        transport.acceptAll(0);
        settle();
        assertThat(transport.callCount())
                .as("the second batch has lingered 0 of 50 ms")
                .isEqualTo(1);
        scheduler.advance(Duration.ofMillis(50));
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
    }

    @Test
    void retriedRecordsAreRebatchedWithinTheRecordLimit() {
        core(b -> b.maxBatchRecords(2).maxInFlightRequests(2));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(4, 8);
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
        transport.failWith(0, 500, "InternalFailure");
        transport.failWith(1, 500, "InternalFailure");
        settle();
        scheduler.advance(Duration.ofSeconds(1));
        settle();
        assertThat(transport.callCount()).isEqualTo(4);
        assertThat(transport.call(2).records()).hasSize(2);
        assertThat(transport.call(3).records()).hasSize(2);
        transport.acceptAll(2);
        transport.acceptAll(3);
        settle();
        assertThat(futures).allMatch(f -> f.join().attempts() == 2);
    }

    @Test
    void retriedRecordsAreRebatchedWithinTheByteLimit() {
        bound(core(b -> b.linger(Duration.ZERO).maxInFlightRequests(2)));
        CompletableFuture<RecordReceipt> big1 = core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 1));
        settle();
        CompletableFuture<RecordReceipt> big2 = core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 2));
        settle();
        core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 3));
        settle();
        core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 4));
        core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 5));
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
        transport.failWith(0, 500, "InternalFailure");
        transport.failWith(1, 500, "InternalFailure");
        settle();
        scheduler.advance(Duration.ofSeconds(1));
        settle();
        long bytesSent = transport.calls().stream()
                .skip(2)
                .mapToLong(c -> c.records().stream().mapToLong(r -> r.length).sum())
                .max()
                .orElseThrow();
        assertThat(bytesSent).isLessThanOrEqualTo(FirehoseLimits.MAX_BYTES_PER_BATCH);
        assertThat(big1).isNotDone();
        assertThat(big2).isNotDone();
    }

    @Test
    void aPartFailureThenATimeoutReportsTheRecordsOwnErrorCode() {
        bound(core(b -> b.deliveryTimeout(Duration.ofSeconds(20))
                .retryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30))));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(2, 1);
        lingerOut();
        transport.answer(0, i -> i == 1 ? "InternalFailure" : null);
        settle();
        scheduler.advance(Duration.ofSeconds(21));
        settle();
        assertThat(futures.get(0)).isCompleted();
        assertThatThrownBy(() -> futures.get(1).join())
                .cause()
                .isInstanceOfSatisfying(DeliveryTimeoutException.class, e -> {
                    assertThat(e.errorCode()).isEqualTo("InternalFailure");
                    assertThat(e.attempts()).isEqualTo(1);
                });
        assertThat(failed("delivery_timeout")).isEqualTo(1);
    }

    @Test
    void aSettledRecordIsItsOwnFutureAndKeepsOnlyItsOutcome() {
        bound(core(b -> b.deliveryTimeout(Duration.ofSeconds(20))
                .retryBackoff(Duration.ofSeconds(30), Duration.ofSeconds(30))));
        int large = SlabPool.MAX_SLAB_RECORD_BYTES + 1; // held in an array of its own, not in a slab
        CompletableFuture<RecordReceipt> delivered = core.send(bytes(large, 1));
        lingerOut();
        transport.acceptAll(0);
        settle();
        CompletableFuture<RecordReceipt> timedOut = core.send(bytes(large, 2));
        lingerOut();
        transport.failWith(1, 500, "InternalFailure");
        settle();
        scheduler.advance(Duration.ofSeconds(21));
        settle();

        assertThat(delivered.join().attempts()).isEqualTo(1);
        assertThat(failureOf(timedOut))
                .isInstanceOf(DeliveryTimeoutException.class)
                .hasCauseInstanceOf(Exception.class);
        for (CompletableFuture<RecordReceipt> future : List.of(delivered, timedOut)) {
            assertThat(future).isInstanceOfSatisfying(PendingRecord.class, record -> {
                assertThat(record.data()).as("the record's bytes").isNull();
                assertThat(record.origin)
                        .as("its batch, and through it the batch's other records")
                        .isNull();
                assertThat(record.lastError)
                        .as("the cause it failed with, held by the future")
                        .isNull();
            });
            assertThat(future.thenApply(RecordReceipt::attempts)).isExactlyInstanceOf(CompletableFuture.class);
        }
    }

    @Test
    void aRecordStuckInTheOpenBatchBehindAFullPipelineStillTimesOut() {
        bound(core(b -> b.maxInFlightRequests(1).deliveryTimeout(Duration.ofSeconds(20))));
        CompletableFuture<RecordReceipt> first = core.send(bytes(1, 1));
        lingerOut();
        assertThat(transport.callCount()).isEqualTo(1);
        CompletableFuture<RecordReceipt> stuck = core.send(bytes(1, 2));
        lingerOut();
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        assertThat(stuck).isCompletedExceptionally();
        assertThat(first).isCompletedExceptionally();
        assertThat(failed("delivery_timeout")).isEqualTo(2);
        transport.acceptAll(0);
        settle();
        assertThat(transport.callCount()).as("nothing left to send").isEqualTo(1);
        assertThat(registry.get("firehose.producer.records.sent").counter().count())
                .as("an acknowledgement after the timeout counts nothing")
                .isZero();
        assertThat(core.bufferedRecords()).isZero();
        assertThat(core.bufferedBytes()).isZero();
        assertThat(core.incompleteBatches()).isZero();
    }

    @Test
    void closeSettlesRecordsWhereverTheyWait() {
        bound(core(b -> b.maxInFlightRequests(1)
                .maxBatchRecords(1)
                .linger(Duration.ofMillis(50))
                .retryBackoff(Duration.ofSeconds(10), Duration.ofSeconds(10))));
        CompletableFuture<RecordReceipt> backingOff = core.send(bytes(1, 1));
        settle();
        transport.failWith(0, 500, "InternalFailure");
        settle();
        CompletableFuture<RecordReceipt> inFlight = core.send(bytes(1, 2));
        settle();
        CompletableFuture<RecordReceipt> sealed = core.send(bytes(1, 3));
        settle();
        assertThat(transport.callCount()).isEqualTo(2);

        core.close(Duration.ZERO);
        for (CompletableFuture<RecordReceipt> future : List.of(backingOff, inFlight, sealed)) {
            assertThatThrownBy(future::join).cause().isInstanceOf(ProducerClosedException.class);
        }
        assertThat(failed("closed")).isEqualTo(3);
        assertThat(requests("retriable_error")).isEqualTo(1);
        assertThat(core.bufferedBytes()).isZero();
    }

    @Test
    void aSenderBlockedOnAFullBufferIsReleasedByClose() throws Exception {
        long limit = FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
        core(b -> b.maxBufferedBytes(limit).maxBlock(Duration.ofMinutes(1)));
        core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 1));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread blocked = new Thread(() -> {
            try {
                core.send(bytes(1, 2));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        blocked.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.getState() == Thread.State.TIMED_WAITING);
        core.close(Duration.ZERO);
        blocked.join(10_000);
        assertThat(thrown.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void refusedSendsAreCountedAndLeaveNothingBehind() {
        long limit = FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
        bound(core(b -> b.maxBufferedBytes(limit).maxBlock(Duration.ZERO)));
        core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 1));
        assertThat(core.bufferedBytes()).isEqualTo(limit);
        assertThatThrownBy(() -> core.send(bytes(1, 2))).isInstanceOf(BufferExhaustedException.class);
        assertThat(registry.get("firehose.producer.buffer.exhausted").counter().count())
                .isEqualTo(1);
        assertThat(core.trySend(bytes(1, 3))).isNull();
        core.close(Duration.ZERO);
        assertThatThrownBy(() -> core.send(bytes(1, 4))).isInstanceOf(IllegalStateException.class);
        assertThat(core.bufferedRecords()).isZero();
        assertThat(core.bufferedBytes()).isZero();
    }

    @Test
    void trySendAcceptsWhenThereIsRoom() {
        core(b -> b);
        CompletableFuture<RecordReceipt> future = core.trySend(bytes(5, 1));
        assertThat(future).isNotNull();
        lingerOut();
        transport.acceptAll(0);
        settle();
        assertThat(future.join().attempts()).isEqualTo(1);
    }

    @Test
    void closeFromACallbackFailsTheRestAtOnce() {
        core(b -> b.maxBatchRecords(1).maxInFlightRequests(1).linger(Duration.ZERO));
        CompletableFuture<RecordReceipt> first = core.send(bytes(1, 1));
        settle();
        CompletableFuture<RecordReceipt> second = core.send(bytes(1, 2));
        settle();
        first.whenComplete((r, e) -> core.close(Duration.ofMinutes(1)));
        transport.acceptAll(0);
        settle();
        assertThat(first).isCompleted();
        assertThatThrownBy(second::join).cause().isInstanceOf(ProducerClosedException.class);
        assertThat(transport.isClosed()).isTrue();
    }

    @Test
    void retriesGoOutExactlyWhenTheirBackoffHasElapsed() {
        core(b -> b.linger(Duration.ZERO));
        core.send(bytes(1, 1));
        settle();
        int before = scheduler.requestedDelays().size();
        transport.failWith(0, 500, "InternalFailure");
        settle();
        long delay = scheduler.requestedDelays().stream()
                .skip(before)
                .max(Long::compare)
                .orElseThrow();
        scheduler.advance(Duration.ofNanos(delay - 1));
        settle();
        assertThat(transport.callCount()).isEqualTo(1);
        scheduler.advance(Duration.ofNanos(1));
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
    }

    @Test
    void callOutcomesAreCountedByKind() {
        bound(core(b -> b.linger(Duration.ZERO).maxBatchRecords(1).maxInFlightRequests(3)));
        sendMany(3, 1);
        settle();
        transport.failWith(0, 500, "ServiceUnavailableException");
        transport.failWith(1, 502, "BadGateway");
        transport.failWith(2, 400, "InvalidArgumentException");
        settle();
        assertThat(requests("throttled")).isEqualTo(1);
        assertThat(requests("retriable_error")).isEqualTo(1);
        assertThat(requests("fatal_error")).isEqualTo(1);
        assertThat(failed("InvalidArgumentException")).isEqualTo(1);
    }

    @Test
    void theExpiryCheckRunsATwentiethOfTheTimeoutWithinBounds() {
        assertThat(SenderSettings.expiryCheckInterval(Duration.ofSeconds(20)))
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(SenderSettings.expiryCheckInterval(Duration.ofMillis(100)))
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(SenderSettings.expiryCheckInterval(Duration.ofMillis(10)))
                .isEqualTo(TimeUnit.MILLISECONDS.toNanos(1));
    }
}
