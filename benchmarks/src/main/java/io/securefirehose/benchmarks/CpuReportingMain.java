package io.securefirehose.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.securefirehose.cli.FirehoseSecureCli;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

/**
 * The entry point of {@link CliSendDriver}'s child JVMs: runs the CLI ({@code cli ARGS...}) or
 * {@link LibraryLineSender} ({@code library ARGS...}) and, as the JVM exits, prints the process's CPU time (JVM start,
 * JIT and GC included) to stderr as {@code process-cpu-nanos: N}, so that both are measured the same way.
 */
public final class CpuReportingMain {

    static final String CPU_LINE = "process-cpu-nanos: ";

    private CpuReportingMain() {}

    /**
     * @param args {@code cli} or {@code library}, then that program's arguments
     */
    public static void main(String[] args) throws Exception {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            OperatingSystemMXBean os =
                                    (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
                            System.err.println(CPU_LINE + os.getProcessCpuTime());
                            System.err.flush();
                        },
                        "cpu-report"));
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "cli" -> FirehoseSecureCli.main(rest);
            case "library" -> System.exit(LibraryLineSender.run(rest, System.in));
            default -> throw new IllegalArgumentException("cli or library, was " + args[0]);
        }
    }
}
