package io.securefirehose.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import com.sun.management.ThreadMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** This process's CPU time and the heap its live threads allocated, read before and after a run. */
final class ProcessMeter {

    /** A reading. */
    record Reading(
            long cpuNanos, long allocatedBytes, long wallNanos, long gcMillis, Map<String, Long> threadCpuNanos) {

        /**
         * Where the CPU time between two readings went, by thread group (names without their numbers), in percent
         * of the process's; "JVM" is what no Java thread accounts for: garbage collection and the JIT compilers.
         */
        static String cpuShares(Reading before, Reading after) {
            double total = Math.max(1, after.cpuNanos() - before.cpuNanos());
            Map<String, Long> deltas = new TreeMap<>();
            long javaThreads = 0;
            for (Map.Entry<String, Long> group : after.threadCpuNanos().entrySet()) {
                long delta = group.getValue() - before.threadCpuNanos().getOrDefault(group.getKey(), 0L);
                if (delta > 0) {
                    deltas.put(group.getKey(), delta);
                    javaThreads += delta;
                }
            }
            deltas.put("JVM (GC, JIT)", Math.max(0, (after.cpuNanos() - before.cpuNanos()) - javaThreads));
            StringBuilder out = new StringBuilder();
            deltas.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .filter(e -> e.getValue() / total >= 0.01)
                    .forEach(e -> out.append(String.format(
                            Locale.ROOT,
                            "%s%s %.0f%%",
                            out.length() == 0 ? "" : ", ",
                            e.getKey(),
                            100 * e.getValue() / total)));
            return out.toString();
        }
    }

    private ProcessMeter() {}

    static Reading read() {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = threads.getAllThreadIds();
        long allocated = 0;
        for (long bytes : threads.getThreadAllocatedBytes(ids)) {
            if (bytes > 0) {
                allocated += bytes;
            }
        }
        long gcMillis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcMillis += Math.max(0, gc.getCollectionTime());
        }
        Map<String, Long> cpuByGroup = new TreeMap<>();
        for (ThreadInfo info : threads.getThreadInfo(ids)) {
            if (info != null) {
                long cpu = threads.getThreadCpuTime(info.getThreadId());
                if (cpu > 0) {
                    cpuByGroup.merge(info.getThreadName().replaceAll("[0-9]+", "N"), cpu, Long::sum);
                }
            }
        }
        return new Reading(os.getProcessCpuTime(), allocated, System.nanoTime(), gcMillis, cpuByGroup);
    }
}
