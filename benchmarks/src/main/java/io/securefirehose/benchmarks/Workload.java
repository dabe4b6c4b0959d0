package io.securefirehose.benchmarks;

/** One way of sending records to Firehose, measured by the load driver. */
interface Workload extends AutoCloseable {

    /** What a run returned. */
    record Outcome(long acknowledged, long failed, double wireRecordBytes, double firehoseRecords) {}

    /**
     * Sends {@code records} records of {@code recordBytes} bytes, as fast as the sender allows, and returns once
     * each was acknowledged or failed.
     */
    default Outcome run(long records, int recordBytes, LatencySample latency) throws Exception {
        return run(records, recordBytes, latency, Pacer.unpaced());
    }

    /**
     * Sends {@code records} records of {@code recordBytes} bytes when {@code pacer} says they are due, and returns
     * once each was acknowledged or failed; sampled latencies count from when a record was due.
     */
    Outcome run(long records, int recordBytes, LatencySample latency, Pacer pacer) throws Exception;

    @Override
    void close();

    /** A fresh record, as an application would make it. */
    static byte[] payload(long index, int recordBytes) {
        byte[] data = new byte[recordBytes];
        for (int i = 0; i < Math.min(8, recordBytes); i++) {
            data[i] = (byte) (index >>> (8 * i));
        }
        if (recordBytes > 0) {
            data[recordBytes - 1] = '\n';
        }
        return data;
    }
}
