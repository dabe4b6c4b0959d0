package io.securefirehose.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.securefirehose.RequestPath;
import io.securefirehose.SecureFirehoseProducer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Many producers on one stream quota, as separate hosts would run them: each is its own
 * {@code SecureFirehoseProducer} (own assumed-role session, I/O threads and rate controller, nothing shared but the
 * endpoint), sends 1 KiB records as fast as it is allowed from its start until the run's end, and the bytes
 * Firehose acknowledged are counted per producer and per second of the run. The last producer can join late.
 */
final class SharedQuotaRun {

    /** What one run of {@code producers} producers measured. */
    record Outcome(
            String mode,
            int producers,
            int lateJoinSeconds,
            long[][] ackedBytesPerSecond,
            long acknowledgedBytes,
            long failed,
            double requests,
            double throttled) {

        /** Bytes acknowledged per second, all producers together, over seconds {@code [from, to)}. */
        double aggregate(int from, int to) {
            long sum = 0;
            for (long[] producer : ackedBytesPerSecond) {
                for (int s = from; s < to; s++) {
                    sum += producer[s];
                }
            }
            return sum / (double) (to - from);
        }

        /**
         * Jain's fairness index of the producers' goodput over seconds {@code [from, to)}: (sum x)^2 / (n sum x^2),
         * 1 when all are equal, 1/n when one has everything.
         */
        double jain(int from, int to) {
            double sum = 0;
            double squares = 0;
            for (long[] producer : ackedBytesPerSecond) {
                double x = 0;
                for (int s = from; s < to; s++) {
                    x += producer[s];
                }
                sum += x;
                squares += x * x;
            }
            return squares == 0 ? 1 : sum * sum / (ackedBytesPerSecond.length * squares);
        }

        /**
         * Seconds from the late producer's start until its goodput, averaged over the next three seconds, first
         * reaches 80 % of a fair share of {@code quotaBytes}; -1 if it never does (or no producer joined late).
         */
        int secondsToFairShare(double quotaBytes) {
            if (lateJoinSeconds == 0) {
                return -1;
            }
            long[] late = ackedBytesPerSecond[producers - 1];
            double fair = quotaBytes / producers;
            for (int s = lateJoinSeconds; s + 3 <= late.length; s++) {
                if ((late[s] + late[s + 1] + late[s + 2]) / 3.0 >= 0.8 * fair) {
                    return s - lateJoinSeconds;
                }
            }
            return -1;
        }

        double throttledShare() {
            return requests == 0 ? 0 : throttled / requests;
        }
    }

    private SharedQuotaRun() {}

    static Outcome run(
            LocalFirehoseProcess firehose,
            String mode,
            int producers,
            int seconds,
            int lateJoinSeconds,
            int recordBytes,
            long bufferBytes,
            int maxBatchRecords)
            throws Exception {
        AtomicLongArray[] acked = new AtomicLongArray[producers];
        List<ProducerWorkload> workloads = new ArrayList<>();
        LongAdder acknowledged = new LongAdder();
        LongAdder failed = new LongAdder();
        ExecutorService senders = Executors.newFixedThreadPool(producers);
        try {
            for (int p = 0; p < producers; p++) {
                // Counted to the end of the run plus the time it takes to send what is left in the buffers.
                acked[p] = new AtomicLongArray(seconds + 120);
                workloads.add(new ProducerWorkload(
                        firehose,
                        false,
                        false,
                        RequestPath.LEAN,
                        b -> b.rateControl(mode.equals("adaptive"))
                                .maxBufferedBytes(bufferBytes)
                                .maxBatchRecords(maxBatchRecords)
                                .deliveryTimeout(Duration.ofMinutes(10))));
            }
            long runStart = System.nanoTime();
            long runEnd = runStart + TimeUnit.SECONDS.toNanos(seconds);
            List<Future<?>> running = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                long startAt = runStart + (p == producers - 1 ? TimeUnit.SECONDS.toNanos(lateJoinSeconds) : 0);
                SecureFirehoseProducer producer = workloads.get(p).producer();
                AtomicLongArray perSecond = acked[p];
                running.add(senders.submit(() -> {
                    sendUntil(producer, startAt, runEnd, runStart, recordBytes, perSecond, acknowledged, failed);
                    return null;
                }));
            }
            for (Future<?> sender : running) {
                sender.get(seconds + 300L, TimeUnit.SECONDS);
            }
            double requests = 0;
            double throttled = 0;
            for (ProducerWorkload workload : workloads) {
                for (Counter counter :
                        workload.meters().find("firehose.producer.requests").counters()) {
                    requests += counter.count();
                }
                throttled += workload.meters()
                        .get("firehose.producer.requests.throttled")
                        .counter()
                        .count();
            }
            long[][] bytes = new long[producers][seconds];
            for (int p = 0; p < producers; p++) {
                for (int s = 0; s < seconds; s++) {
                    bytes[p][s] = acked[p].get(s);
                }
            }
            return new Outcome(
                    mode, producers, lateJoinSeconds, bytes, acknowledged.sum(), failed.sum(), requests, throttled);
        } finally {
            senders.shutdownNow();
            workloads.forEach(ProducerWorkload::close);
        }
    }

    // Every outcome is counted in the callback; the future returned by whenComplete has nothing to add.
    @SuppressWarnings("FutureReturnValueIgnored")
    private static void sendUntil(
            SecureFirehoseProducer producer,
            long startAt,
            long runEnd,
            long runStart,
            int recordBytes,
            AtomicLongArray perSecond,
            LongAdder acknowledged,
            LongAdder failed)
            throws InterruptedException {
        for (long wait = startAt - System.nanoTime(); wait > 0; wait = startAt - System.nanoTime()) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        // At least one record, even when a slow machine starts this thread after the run's end.
        long i = 0;
        do {
            producer.send(Workload.payload(i++, recordBytes)).whenComplete((receipt, error) -> {
                if (error != null) {
                    failed.increment();
                    return;
                }
                int second = (int) ((System.nanoTime() - runStart) / 1_000_000_000L);
                acknowledged.add(recordBytes);
                if (second < perSecond.length()) {
                    perSecond.addAndGet(second, recordBytes);
                }
            });
        } while (System.nanoTime() < runEnd);
        producer.flush();
    }
}
