package io.securefirehose.internal;

import io.securefirehose.FirehoseLimits;
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

    @Setup
    public void setUp() {
        accumulator = new RecordAccumulator(BATCH, FirehoseLimits.MAX_BYTES_PER_BATCH);
        records = new byte[BATCH][];
        for (int i = 0; i < BATCH; i++) {
            records[i] = new byte[recordBytes];
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public RecordBatch appendAndDrain() {
        for (int i = 0; i < BATCH; i++) {
            accumulator.append(new PendingRecord(records[i], i, Long.MAX_VALUE, recordBytes + 64L));
        }
        RecordBatch sealed = accumulator.pollSealed();
        // The batch is done with: let the accumulator forget it as the sender would once its records complete.
        sealed.records.forEach(r -> r.completed = true);
        accumulator.originCompleted(sealed);
        return sealed;
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public PutRecordBatchRequest assembleBatch() {
        List<byte[]> payloads = new ArrayList<>(BATCH);
        for (byte[] record : records) {
            payloads.add(record);
        }
        return SdkBatchTransport.request("bench", payloads);
    }
}
