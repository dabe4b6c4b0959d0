package io.securefirehose.benchmarks;

/**
 * What one run of one configuration measured.
 *
 * @param configuration the configuration's name
 * @param recordBytes payload bytes per record
 * @param records records acknowledged
 * @param failed records not acknowledged
 * @param seconds wall time from the first send to the last acknowledgement
 * @param cpuSeconds this process's CPU time over the run
 * @param allocatedBytes heap allocated by this process's threads over the run
 * @param p50Millis median send-to-acknowledgement latency
 * @param p99Millis 99th percentile latency
 * @param wireRecordBytes bytes of each Firehose record as sent (payload plus any envelope frame; a packed record
 *     with coalescing)
 * @param firehoseRecords Firehose records the run's records travelled in (fewer than records with coalescing)
 * @param gcSeconds time the garbage collectors reported for the run
 * @param endpointCpuSeconds CPU time of the endpoint's JVM over the run ({@code NaN} if not reported)
 */
record RunResult(
        String configuration,
        int recordBytes,
        long records,
        long failed,
        double seconds,
        double cpuSeconds,
        long allocatedBytes,
        double p50Millis,
        double p99Millis,
        double wireRecordBytes,
        double firehoseRecords,
        double gcSeconds,
        double endpointCpuSeconds) {

    /** Firehose bills each record rounded up to the next 5 KB. */
    static final double BILLING_UNIT = 5 * 1024;

    double recordsPerSecond() {
        return records / seconds;
    }

    double payloadMegabytesPerSecond() {
        return records * (double) recordBytes / seconds / 1e6;
    }

    double cpuSecondsPerMillion() {
        return cpuSeconds / records * 1e6;
    }

    double endpointCpuSecondsPerMillion() {
        return endpointCpuSeconds / records * 1e6;
    }

    double gcMillisPerSecond() {
        return gcSeconds * 1000 / seconds;
    }

    double allocatedBytesPerRecord() {
        return (double) allocatedBytes / records;
    }

    /** Billed bytes per payload byte: each Firehose record rounded up to 5 KB, over the payload it carries. */
    double billedBytesPerPayloadByte() {
        double billed = Math.ceil(wireRecordBytes / BILLING_UNIT) * BILLING_UNIT * firehoseRecords;
        return billed / ((double) (records + failed) * recordBytes);
    }
}
