package io.securefirehose.benchmarks;

import java.lang.management.ManagementFactory;

/** This process's CPU time and the heap its live threads allocated, read before and after a run. */
final class ProcessMeter {

    /** A reading. */
    record Reading(long cpuNanos, long allocatedBytes, long wallNanos) {}

    private ProcessMeter() {}

    static Reading read() {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long allocated = 0;
        for (long bytes : threads.getThreadAllocatedBytes(ids)) {
            if (bytes > 0) {
                allocated += bytes;
            }
        }
        return new Reading(os.getProcessCpuTime(), allocated, System.nanoTime());
    }
}
