package io.securefirehose.benchmarks;

import java.lang.management.ManagementFactory;

/** This process's CPU time and the heap its live threads allocated, read before and after a run. */
final class ProcessMeter {

    /** A reading. */
    record Reading(long cpuNanos, long allocatedBytes, long wallNanos, long gcMillis) {}

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
        long gcMillis = 0;
        for (java.lang.management.GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        return new Reading(os.getProcessCpuTime(), allocated, System.nanoTime(), gcMillis);
    }
}
