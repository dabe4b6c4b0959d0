package io.securefirehose.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.RecordReceipt;
import io.securefirehose.errors.BufferExhaustedException;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.DeliveryTimeoutException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.errors.RecordTooLargeException;
import io.securefirehose.internal.http.BatchTransport;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.records.FirehoseLimits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The producer's engine with a hand-moved clock and a transport whose calls the test answers: linger, limits,
 * retries and their backoff, timeouts, back-pressure, flush and close, without sleeping.
 */
class ProducerCoreTest extends CoreTestSupport {

    @Test
    void aBatchThatIsNotFullWaitsForLingerThenGoesOut() {
        core(b -> b);
        sendMany(3, 10);
        settle();
        scheduler.advance(Duration.ofMillis(49));
        settle();
        assertThat(transport.callCount()).isZero();

        scheduler.advance(Duration.ofMillis(1));
        settle();
        assertThat(transport.callCount()).isEqualTo(1);
        assertThat(transport.call(0).records()).hasSize(3);
    }

    @Test
    void aFullBatchOf500GoesOutAtOnceAndThe501stWaitsForTheNextCall() {
        core(b -> b.linger(Duration.ofHours(1)).deliveryTimeout(Duration.ofHours(2)));
        sendMany(501, 1);
        settle();
        assertThat(transport.callCount()).isEqualTo(1);
        assertThat(transport.call(0).records()).hasSize(FirehoseLimits.MAX_RECORDS_PER_BATCH);

        scheduler.advance(Duration.ofHours(1));
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
        assertThat(transport.call(1).records()).hasSize(1);
    }

    @Test
    void exactly4MiBFitsInOneCallAndOneMoreByteStartsAnother() {
        core(b -> b.linger(Duration.ofHours(1)).deliveryTimeout(Duration.ofHours(2)));
        int rest = FirehoseLimits.MAX_BYTES_PER_BATCH - 4 * FirehoseLimits.MAX_RECORD_BYTES;
        for (int i = 0; i < 4; i++) {
            core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, i));
        }
        core.send(bytes(rest, 9));
        settle();
        assertThat(transport.callCount())
                .as("sealed the moment it reached 4 MiB")
                .isEqualTo(1);
        assertThat(transport.call(0).records()).hasSize(5);
        transport.acceptAll(0);
        settle();

        for (int i = 0; i < 4; i++) {
            core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, i));
        }
        core.send(bytes(rest + 1, 9));
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
        assertThat(transport.call(1).records()).hasSize(4);
        scheduler.advance(Duration.ofHours(1));
        settle();
        assertThat(transport.call(2).records()).hasSize(1);
        assertThat(transport.call(2).records().get(0)).hasSize(rest + 1);
    }

    @Test
    void aSmallRecordIsReadAtSendAndALargeOneIsCopiedOnlyWhenTheCallerKeepsIt() {
        core(b -> b);
        int large = SlabPool.MAX_SLAB_RECORD_BYTES + 1;
        byte[] small = bytes(10, 1);
        byte[] kept = bytes(large, 2);
        byte[] handedOver = bytes(large, 3);
        core.send(small, true);
        core.send(kept, true);
        core.send(handedOver, false);
        java.util.Arrays.fill(small, (byte) 'X');
        java.util.Arrays.fill(kept, (byte) 'X');
        lingerOut();
        assertThat(transport.call(0).records().get(0)).isEqualTo(bytes(10, 1));
        assertThat(transport.call(0).records().get(1)).isEqualTo(bytes(large, 2));
        assertThat(transport.call(0).records().get(2)).as("no copy made").isSameAs(handedOver);
    }

    @Test
    void onTheSdkClientPathASmallRecordKeepsAnArrayOfItsOwnForTheSdkToWrap() {
        core(b -> b.requestPath(io.securefirehose.RequestPath.SDK_CLIENT));
        byte[] handedOver = bytes(10, 2);
        core.send(handedOver, false);
        lingerOut();
        assertThat(transport.call(0).records().get(0))
                .as("not encoded into a slab")
                .isSameAs(handedOver);
    }

    @Test
    void aRetriedRecordKeepsItsBytesWhileItsSlabIsReusedByNewRecords() {
        core(b -> b.retryBackoff(Duration.ofMillis(100), Duration.ofMillis(100)));
        int size = 1000; // 1,336 bytes of base64: 49 records fill a slab
        for (int i = 0; i < 60; i++) {
            core.send(filled(size, i), true);
        }
        lingerOut();
        assertThat(transport.call(0).records()).hasSize(60);
        transport.answer(0, i -> i == 3 ? "ServiceUnavailableException" : null);
        settle();
        // The first slab's other records completed and the writer moved on: it is back in the pool, and these
        // records are written over it.
        for (int i = 0; i < 100; i++) {
            core.send(filled(size, 100 + i), true);
        }
        lingerOut();
        scheduler.advance(Duration.ofMillis(100));
        settle();
        List<byte[]> retried = transport.calls().stream()
                .filter(c -> c.records().size() == 1)
                .findFirst()
                .orElseThrow()
                .records();
        assertThat(retried.get(0)).isEqualTo(filled(size, 3));
    }

    private static byte[] filled(int size, int marker) {
        byte[] data = new byte[size];
        java.util.Arrays.fill(data, (byte) marker);
        return data;
    }

    @Test
    void aRecordOverTheLimitIsRefusedAtSendAndTakesNoBufferSpace() {
        core(b -> b);
        core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 1));
        assertThatThrownBy(() -> core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES + 1, 1)))
                .isInstanceOf(RecordTooLargeException.class)
                .hasMessageContaining("1024001")
                .hasMessageContaining("1024000");
        assertThat(core.bufferedRecords()).isEqualTo(1);
        assertThatThrownBy(() -> core.send(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("record");
    }

    @Test
    void neverMoreCallsInFlightThanConfigured() {
        core(b -> b.maxInFlightRequests(2).maxBatchRecords(1).linger(Duration.ZERO));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(5, 1);
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
        assertThat(core.inFlightRequests()).isEqualTo(2);

        transport.acceptAll(0);
        settle();
        assertThat(transport.callCount()).isEqualTo(3);
        assertThat(transport.openCalls()).isEqualTo(2);
        for (int i = 1; i < 5; i++) {
            settle();
            transport.acceptAll(i);
            settle();
        }
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void onlyTheRecordsFirehoseReportsAsFailedAreSentAgain() {
        core(b -> b);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(6, 4);
        lingerOut();
        transport.answer(0, i -> i == 1 ? "ServiceUnavailableException" : i == 4 ? "InternalFailure" : null);
        settle();
        assertThat(futures.get(0)).isCompleted();
        assertThat(futures.get(1)).isNotDone();

        scheduler.advance(maxBackoff(1));
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
        assertThat(transport.call(1).records()).extracting(r -> (int) r[0]).containsExactly(1, 4);
        transport.acceptAll(1);
        settle();
        assertThat(futures.get(1).join().attempts()).isEqualTo(2);
        assertThat(futures.get(4).join().recordId()).isEqualTo("id-1-1");
        assertThat(futures.get(0).join().attempts()).isEqualTo(1);
    }

    @Test
    void retriableCallFailuresBackOffExponentiallyWithJitter() {
        core(b -> b.linger(Duration.ZERO));
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        settle();
        String[] failures = {"ServiceUnavailableException", "InternalFailure", "ThrottlingException", "HTTP502"};
        int[] statuses = {500, 500, 400, 502};
        for (int attempt = 1; attempt <= failures.length; attempt++) {
            int before = scheduler.requestedDelays().size();
            transport.failWith(attempt - 1, statuses[attempt - 1], failures[attempt - 1]);
            settle();
            List<Long> delays = scheduler
                    .requestedDelays()
                    .subList(before, scheduler.requestedDelays().size());
            long base = TimeUnit.MILLISECONDS.toNanos(Math.min(100L << (attempt - 1), 2000L));
            assertThat(delays)
                    .as("backoff before attempt %d", attempt + 1)
                    .anySatisfy(d -> assertThat(d).isBetween((long) (base * 0.5) - 1, (long) (base * 1.5) + 1));
            scheduler.advance(maxBackoff(attempt));
            settle();
            assertThat(transport.callCount()).isEqualTo(attempt + 1);
        }
        transport.acceptAll(failures.length);
        settle();
        assertThat(future.join().attempts()).isEqualTo(failures.length + 1);
    }

    @Test
    void connectionErrorsAndTimeoutsAreRetried() {
        core(b -> b.linger(Duration.ZERO));
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        settle();
        transport
                .call(0)
                .response()
                .completeExceptionally(software.amazon.awssdk.core.exception.SdkClientException.create(
                        "Unable to execute HTTP request", new java.io.IOException("Connection reset")));
        settle();
        scheduler.advance(maxBackoff(1));
        settle();
        transport
                .call(1)
                .response()
                .completeExceptionally(
                        software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException.create(10_000));
        settle();
        scheduler.advance(maxBackoff(2));
        settle();
        transport.acceptAll(2);
        settle();
        assertThat(future.join().attempts()).isEqualTo(3);
    }

    @Test
    void nonRetriableErrorsFailTheRecordsAtOnceWithTheCode() {
        core(b -> b.linger(Duration.ZERO));
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        settle();
        int timersBefore = scheduler.pendingTimers();
        transport.failWith(0, 400, "ResourceNotFoundException");
        settle();
        assertThat(future).isCompletedExceptionally();
        assertThatThrownBy(future::join).cause().isInstanceOfSatisfying(DeliveryFailedException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("ResourceNotFoundException");
            assertThat(e.attempts()).isEqualTo(1);
            assertThat(e.isRetriable()).isFalse();
            assertThat(e.getMessage()).contains("unit").contains("not retriable");
        });
        assertThat(scheduler.pendingTimers()).as("no retry timer").isEqualTo(timersBefore);
        assertThat(transport.callCount()).isEqualTo(1);
        assertThat(core.bufferedBytes()).isZero();
    }

    @Test
    void recordsThatKeepFailingTimeOutWithTheLastError() {
        core(b -> b.linger(Duration.ZERO).deliveryTimeout(Duration.ofSeconds(20)));
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        Duration elapsed = Duration.ZERO;
        for (int call = 0; !future.isDone(); call++) {
            settle();
            assertThat(call).isLessThan(100);
            if (transport.callCount() > call) {
                transport.failWith(call, 500, "ServiceUnavailableException");
                settle();
            }
            scheduler.advance(Duration.ofMillis(500));
            elapsed = elapsed.plusMillis(500);
            settle();
        }
        assertThat(elapsed).isBetween(Duration.ofSeconds(20), Duration.ofMillis(20_500));
        assertThatThrownBy(future::join).cause().isInstanceOfSatisfying(DeliveryTimeoutException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("ServiceUnavailableException");
            assertThat(e.attempts()).isGreaterThan(1);
            assertThat(e.isRetriable()).isTrue();
        });
    }

    @Test
    void aCallThatNeverAnswersTimesOutItsRecordsAsInFlight() {
        core(b -> b.linger(Duration.ZERO).deliveryTimeout(Duration.ofSeconds(20)));
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        settle();
        scheduler.advance(Duration.ofSeconds(19));
        settle();
        assertThat(future).isNotDone();
        scheduler.advance(Duration.ofSeconds(1));
        settle();
        assertThatThrownBy(future::join)
                .cause()
                .isInstanceOfSatisfying(
                        DeliveryTimeoutException.class,
                        e -> assertThat(e.wasInFlight()).isTrue());
        transport.acceptAll(0);
        settle();
        assertThat(core.bufferedRecords()).isZero();
    }

    @Test
    void recordsWaitingForASlotTimeOutToo() {
        core(b -> b.linger(Duration.ZERO)
                .maxInFlightRequests(1)
                .maxBatchRecords(1)
                .deliveryTimeout(Duration.ofSeconds(20)));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(3, 1);
        settle();
        scheduler.advance(Duration.ofSeconds(21));
        settle();
        assertThat(futures).allMatch(CompletableFuture::isCompletedExceptionally);
        assertThatThrownBy(() -> futures.get(2).join())
                .cause()
                .isInstanceOfSatisfying(DeliveryTimeoutException.class, e -> {
                    assertThat(e.attempts()).isZero();
                    assertThat(e.errorCode()).isEqualTo("None");
                });
    }

    @Test
    void trySendRefusesWhenTheBufferIsFullAndSendBlocksThenThrows() throws Exception {
        long limit = FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
        core(b -> b.maxBufferedBytes(limit).maxBlock(Duration.ofSeconds(5)).linger(Duration.ZERO));
        CompletableFuture<RecordReceipt> first = core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 1));
        assertThat(core.trySend(bytes(1, 2))).isNull();

        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread blocked = new Thread(() -> {
            try {
                core.send(bytes(1, 3));
            } catch (Throwable t) {
                thrown.set(t);
            }
        });
        blocked.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.getState() == Thread.State.TIMED_WAITING);
        scheduler.advance(Duration.ofSeconds(5));
        blocked.join(10_000);
        assertThat(thrown.get()).isInstanceOfSatisfying(BufferExhaustedException.class, e -> {
            assertThat(e.maxBufferedBytes()).isEqualTo(limit);
            assertThat(e.requestedBytes()).isEqualTo(1 + ProducerCore.RECORD_OVERHEAD_BYTES);
            assertThat(e.getMessage()).contains("maxBufferedBytes=" + limit).contains("waited 5000 ms");
        });
        assertThat(first).isNotDone();
    }

    @Test
    void aBlockedSendProceedsOnceSpaceFreesUp() throws Exception {
        long limit = FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
        core(b -> b.maxBufferedBytes(limit).maxBlock(Duration.ofSeconds(5)).linger(Duration.ZERO));
        core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 1));
        settle();
        AtomicReference<CompletableFuture<RecordReceipt>> second = new AtomicReference<>();
        Thread blocked = new Thread(() -> second.set(core.send(bytes(1, 3))));
        blocked.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> blocked.getState() == Thread.State.TIMED_WAITING);
        transport.acceptAll(0);
        blocked.join(10_000);
        assertThat(second.get()).isNotNull();
        settle();
        transport.acceptAll(1);
        settle();
        assertThat(second.get().join().attempts()).isEqualTo(1);
    }

    @Test
    void anInterruptedCallerIsServedWhileThereIsRoomAndRefusedWithoutWaitingWhenFull() {
        long limit = FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
        core(b -> b.maxBufferedBytes(limit).maxBlock(Duration.ofSeconds(30)));
        Thread.currentThread().interrupt();
        try {
            CompletableFuture<RecordReceipt> accepted = core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 1));
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the flag is kept")
                    .isTrue();
            assertThatThrownBy(() -> core.send(bytes(1, 2)))
                    .isInstanceOf(BufferExhaustedException.class)
                    .hasMessageContaining("interrupted while waiting for buffer space");
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the flag is kept")
                    .isTrue();
            assertThatThrownBy(core::flush).isInstanceOf(java.util.concurrent.CancellationException.class);
            assertThat(Thread.currentThread().isInterrupted())
                    .as("the flag is kept")
                    .isTrue();
            assertThat(accepted).as("the accepted record is not given up").isNotDone();
        } finally {
            Thread.interrupted();
        }
        lingerOut();
        transport.acceptAll(0);
        settle();
        assertThat(transport.call(0).records()).hasSize(1);
    }

    @Test
    void maxBlockZeroThrowsAtOnce() {
        long limit = FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
        core(b -> b.maxBufferedBytes(limit).maxBlock(Duration.ZERO));
        core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 1));
        assertThatThrownBy(() -> core.send(bytes(1, 1)))
                .isInstanceOf(BufferExhaustedException.class)
                .hasMessageContaining("maxBlock is 0");
    }

    @Test
    void flushSendsWithoutWaitingForLingerAndWaitsForEveryRecord() throws Exception {
        core(b -> b.linger(Duration.ofHours(1)).deliveryTimeout(Duration.ofHours(2)));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(10, 3);
        Thread flusher = new Thread(core::flush);
        flusher.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.callCount() == 1);
        assertThat(flusher.isAlive()).isTrue();
        transport.acceptAll(0);
        flusher.join(10_000);
        assertThat(flusher.isAlive()).isFalse();
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void flushAlsoWaitsForRecordsBeingRetried() throws Exception {
        core(b -> b.linger(Duration.ZERO));
        CompletableFuture<RecordReceipt> future = core.send(bytes(3, 1));
        settle();
        transport.answer(0, i -> "InternalFailure");
        settle();
        Thread flusher = new Thread(core::flush);
        flusher.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> flusher.getState() == Thread.State.WAITING);
        scheduler.advance(maxBackoff(1));
        settle();
        assertThat(flusher.isAlive()).isTrue();
        transport.acceptAll(1);
        flusher.join(10_000);
        assertThat(flusher.isAlive()).isFalse();
        assertThat(future.join().attempts()).isEqualTo(2);
    }

    @Test
    void closeWithoutTimeFailsEveryPendingRecordAndLaterSendsAreRefused() {
        core(b -> b.linger(Duration.ofHours(1))
                .deliveryTimeout(Duration.ofHours(2))
                .maxInFlightRequests(1)
                .maxBatchRecords(2));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(5, 3);
        settle();
        assertThat(transport.callCount()).isEqualTo(1);
        core.close(Duration.ZERO);
        assertThat(futures).allMatch(CompletableFuture::isDone);
        assertThatThrownBy(() -> futures.get(0).join())
                .cause()
                .isInstanceOfSatisfying(
                        ProducerClosedException.class,
                        e -> assertThat(e.wasInFlight()).isTrue());
        assertThatThrownBy(() -> futures.get(4).join())
                .cause()
                .isInstanceOfSatisfying(ProducerClosedException.class, e -> {
                    assertThat(e.wasInFlight()).isFalse();
                    assertThat(e.getMessage()).contains("closed before delivery");
                });
        assertThat(transport.isClosed()).isTrue();
        assertThatThrownBy(() -> core.send(bytes(1, 1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("send after close");
        core.close(Duration.ZERO);
        assertThat(core.bufferedBytes()).isZero();
    }

    @Test
    void closeDeliversWhatIsBufferedWhenGivenTime() throws Exception {
        core(b -> b.linger(Duration.ofHours(1)).deliveryTimeout(Duration.ofHours(2)));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(4, 3);
        Thread closer = new Thread(() -> core.close(Duration.ofSeconds(30)));
        closer.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> transport.callCount() == 1);
        transport.acceptAll(0);
        closer.join(10_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
    }

    @Test
    void sendFromACallbackNeverBlocksAndFlushFromACallbackIsRefused() {
        long limit = FirehoseLimits.MAX_RECORD_BYTES + ProducerCore.RECORD_OVERHEAD_BYTES;
        core(b -> b.maxBufferedBytes(limit));
        CompletableFuture<RecordReceipt> first = core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES - 100, 1));
        AtomicReference<Throwable> fromSend = new AtomicReference<>();
        AtomicReference<Throwable> fromFlush = new AtomicReference<>();
        CompletableFuture<RecordReceipt> second = core.send(bytes(10, 2));
        lingerOut();
        second.whenComplete((r, e) -> {
            try {
                core.send(bytes(FirehoseLimits.MAX_RECORD_BYTES, 3));
            } catch (Throwable t) {
                fromSend.set(t);
            }
            try {
                core.flush();
            } catch (Throwable t) {
                fromFlush.set(t);
            }
        });
        transport.answer(0, i -> i == 0 ? "InternalFailure" : null);
        settle();
        assertThat(first).isNotDone();
        assertThat(fromSend.get()).isInstanceOf(BufferExhaustedException.class).hasMessageContaining("callback thread");
        assertThat(fromFlush.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("record callback");
    }

    @Test
    void aResponseThatDoesNotMatchTheRequestIsRetriedNotTrusted() {
        core(b -> b);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(2, 1);
        lingerOut();
        transport.call(0).response().complete(new BatchResponse(new String[] {"only-one"}, new String[1], false));
        settle();
        assertThat(futures).noneMatch(CompletableFuture::isDone);
        scheduler.advance(maxBackoff(1));
        settle();
        assertThat(transport.call(1).records()).hasSize(2);
    }

    @Test
    void afterAThrottleCallsArePacedBelowTheGoodputAndTheGaugeShowsTheLimit() {
        core(b -> b.maxBatchRecords(1));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        core.metrics().bindTo(registry);
        sendMany(5, 100_000);
        lingerOut();
        assertThat(transport.callCount()).isEqualTo(5);
        assertThat(registry.get("firehose.producer.send.rate.limit").gauge().value())
                .isInfinite();
        for (int call = 0; call < 3; call++) {
            transport.acceptAll(call);
        }
        transport.failWith(3, 500, "ServiceUnavailableException");
        settle();
        assertThat(registry.get("firehose.producer.send.rate.limit").gauge().value())
                .as("one throttled call alone changes nothing")
                .isInfinite();
        transport.failWith(4, 500, "ServiceUnavailableException");
        settle();
        // 300,000 bytes accepted in the last second (the first decrease counts a whole second): limit 80 % of it.
        assertThat(registry.get("firehose.producer.send.rate.limit").gauge().value())
                .isCloseTo(240_000, org.assertj.core.api.Assertions.within(2_000.0));

        long throttledAt = scheduler.nanoTime();
        sendMany(3, 100_000);
        lingerOut();
        // The first of the three went at once, on the starting burst of a tenth of a second (24,000 bytes), and took
        // the bucket 76,000 bytes below zero: the next call, a throttled record's retry or a new one, waits about
        // 76,000 / 240,000 s = 317 ms.
        assertThat(transport.callCount()).isEqualTo(6);
        long nextCallAt = -1;
        for (int ms = 0; ms < 400 && nextCallAt < 0; ms++) {
            scheduler.advance(Duration.ofMillis(1));
            settle();
            if (transport.callCount() > 6) {
                nextCallAt = scheduler.nanoTime();
            }
        }
        assertThat(Duration.ofNanos(nextCallAt - throttledAt).toMillis()).isBetween(312L, 321L);
        assertThat(transport.callCount()).isEqualTo(7);
    }

    @Test
    void whileLimitedNewBatchesAreSealedAtATenthOfASecondOfTheLimit() {
        core(b -> b);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        core.metrics().bindTo(registry);
        sendMany(2_500, 1_000);
        lingerOut();
        assertThat(transport.callCount()).isEqualTo(5);
        assertThat(transport.call(0).records()).as("unlimited: full batches").hasSize(500);
        for (int call = 0; call < 3; call++) {
            transport.acceptAll(call);
        }
        transport.failWith(3, 500, "ServiceUnavailableException");
        transport.failWith(4, 500, "ServiceUnavailableException");
        settle();
        double limit = registry.get("firehose.producer.send.rate.limit").gauge().value();
        // 1,500,000 bytes accepted in the last second: the limit is 80 % of it, and a batch a tenth of that.
        assertThat(limit).isCloseTo(1_200_000, org.assertj.core.api.Assertions.within(20_000.0));

        sendMany(500, 1_000);
        lingerOut();
        assertThat(transport.callCount()).isGreaterThan(5);
        List<byte[]> next = transport.call(5).records();
        assertThat(next.size() * 1_000).isLessThanOrEqualTo((int) (limit / 10) + 1_000);
        assertThat(next).hasSizeGreaterThanOrEqualTo(100);

        // The throttled records' retries too; the limit has climbed a little since.
        int before = transport.callCount();
        for (int step = 0; step < 40 && transport.callCount() < before + 3; step++) {
            scheduler.advance(Duration.ofMillis(100));
            settle();
        }
        double capNow =
                registry.get("firehose.producer.send.rate.limit").gauge().value() / 10;
        assertThat(transport.callCount()).isGreaterThanOrEqualTo(before + 3);
        for (int call = 5; call < transport.callCount(); call++) {
            assertThat(transport.call(call).records().size() * 1_000)
                    .as("call %d", call)
                    .isLessThanOrEqualTo((int) capNow + 1_000);
        }
    }

    @Test
    void withoutRateControlAThrottleDoesNotPaceTheNextCalls() {
        // Retries wait at least 500 ms (jitter included), far past the 50 ms linger: only the new records go out.
        core(b -> b.maxBatchRecords(1).rateControl(false).retryBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2)));
        sendMany(5, 100_000);
        lingerOut();
        for (int call = 0; call < 3; call++) {
            transport.acceptAll(call);
        }
        transport.failWith(3, 500, "ServiceUnavailableException");
        transport.failWith(4, 500, "ServiceUnavailableException");
        settle();
        sendMany(3, 100_000);
        lingerOut();
        assertThat(transport.callCount()).isEqualTo(8);
    }

    @Test
    void metricsCountRecordsRequestsAndFailuresAndStayUntilRemoved() {
        core(b -> b);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        core.metrics().bindTo(registry);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(4, 10);
        lingerOut();
        assertThat(registry.get("firehose.producer.buffered.records").gauge().value())
                .isEqualTo(4);
        assertThat(registry.get("firehose.producer.requests.in.flight").gauge().value())
                .isEqualTo(1);
        transport.answer(0, i -> i == 3 ? "ServiceUnavailableException" : null);
        settle();
        scheduler.advance(maxBackoff(1));
        settle();
        transport.failWith(1, 500, "ServiceUnavailableException");
        settle();
        scheduler.advance(maxBackoff(2));
        settle();
        transport.failWith(2, 400, "AccessDeniedException");
        settle();
        assertThat(futures.get(3)).isCompletedExceptionally();

        assertThat(registry.get("firehose.producer.records.sent")
                        .tag("stream", "unit")
                        .counter()
                        .count())
                .isEqualTo(3);
        assertThat(registry.get("firehose.producer.bytes.sent").counter().count())
                .isEqualTo(30);
        assertThat(registry.get("firehose.producer.records.retried").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("firehose.producer.records.failed")
                        .tag("reason", "AccessDeniedException")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("firehose.producer.requests.throttled")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("firehose.producer.requests")
                        .tag("outcome", "partial_failure")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("firehose.producer.request.latency").timer().count())
                .isEqualTo(3);
        assertThat(registry.get("firehose.producer.batch.records").summary().totalAmount())
                .isEqualTo(6);
        assertThat(registry.get("firehose.producer.buffer.time").timer().count())
                .isEqualTo(1);
        assertThat(registry.get("firehose.producer.buffered.bytes").gauge().value())
                .isZero();
        registry.getMeters().forEach(m -> assertThat(m.getId().getDescription()).isNotBlank());

        core.close(Duration.ZERO);
        assertThat(registry.get("firehose.producer.records.sent").counter().count())
                .as("final counts stay readable after close")
                .isEqualTo(3);
        core.metrics().close();
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void everyFutureCompletesWhenTheTransportThrows() {
        core(b -> b.linger(Duration.ZERO));
        ProducerCore throwing = new ProducerCore(
                core.config(),
                new BatchTransport() {
                    @Override
                    public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
                        throw new IllegalStateException("boom");
                    }

                    @Override
                    public void close() {}
                },
                scheduler,
                null);
        CompletableFuture<RecordReceipt> future = throwing.send(bytes(1, 1));
        settle();
        assertThatThrownBy(future::join)
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        DeliveryFailedException.class,
                        e -> assertThat(e.errorCode()).isEqualTo("ClientError"));
        throwing.close(Duration.ZERO);
    }
}
