package io.securefirehose.benchmarks.micro;

import io.securefirehose.internal.http.SdkBatchTransport;
import io.securefirehose.internal.producer.PendingRecord;
import io.securefirehose.internal.producer.RecordAccumulator;
import io.securefirehose.internal.producer.RecordBatch;
import io.securefirehose.internal.producer.SlabPool;
import io.securefirehose.internal.wire.PutRecordBatchBody;
import io.securefirehose.records.FirehoseLimits;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;

/**
 * Per-record cost of the accumulator (append until a batch of 500 seals, take it) and of batch assembly (the
 * payload list the sender builds and the SDK request made of it).
 */
public class AccumulatorBenchmark extends MicroBenchmark {

    private static final int BATCH = FirehoseLimits.MAX_RECORDS_PER_BATCH;

    @Param({"100", "1024"})
    public int recordBytes;

    private RecordAccumulator accumulator;
    private byte[][] records;
    private List<PendingRecord> held;

    @Setup
    public void setUp() {
        accumulator = new RecordAccumulator(BATCH, FirehoseLimits.MAX_BYTES_PER_BATCH, new SlabPool(64L << 20));
        records = new byte[BATCH][];
        held = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            records[i] = new byte[recordBytes];
            held.add(new PendingRecord(records[i], i, Long.MAX_VALUE, recordBytes + 64L));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public RecordBatch appendAndDrain() {
        // As the producer appends a small record: base64 into a pooled slab, no array of its own.
        for (int i = 0; i < BATCH; i++) {
            PendingRecord record = new PendingRecord(recordBytes, i, Long.MAX_VALUE, recordBytes + 64L);
            accumulator.appendEncoded(record, PutRecordBatchBody.encodeIntoScratch(records[i]), record.encodedLength());
        }
        RecordBatch sealed = accumulator.pollSealed();
        // The batch is done with: let the accumulator forget it as the sender would once its records complete.
        sealed.records().forEach(r -> {
            r.completed = true;
            r.releaseSlab();
        });
        accumulator.originCompleted(sealed);
        return sealed;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public PutRecordBatchRequest assembleBatch() {
        return SdkBatchTransport.request("bench", held);
    }
}
