package io.securefirehose.benchmarks.micro;

import io.securefirehose.internal.producer.Coalescer;
import io.securefirehose.records.Coalescing;
import io.securefirehose.time.SingleThreadTaskScheduler;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

/** Per-record cost of coalescing: packing a record (framing, copy, its future) and handing out full packs. */
public class CoalescerBenchmark extends MicroBenchmark {

    @Param({"100", "1024"})
    public int recordBytes;

    @Param({"NEWLINE", "LENGTH_PREFIXED"})
    public Coalescing.Framing framing;

    private SingleThreadTaskScheduler scheduler;
    private Coalescer coalescer;
    private byte[] record;
    private Blackhole sink;

    @Setup(Level.Trial)
    public void setUp(Blackhole blackhole) {
        sink = blackhole;
        scheduler = new SingleThreadTaskScheduler("bench-linger");
        Coalescing settings =
                framing == Coalescing.Framing.NEWLINE ? Coalescing.newlineDelimited() : Coalescing.lengthPrefixed();
        // A long linger: packs leave when full, as under load.
        coalescer =
                new Coalescer(settings, settings.maxRecordBytes(), TimeUnit.HOURS.toNanos(1), scheduler, sink::consume);
        record = new byte[recordBytes];
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.close();
    }

    @Benchmark
    public Object add() {
        return coalescer.add(record, recordBytes + 64L);
    }
}
