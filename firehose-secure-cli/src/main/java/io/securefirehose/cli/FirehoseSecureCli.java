package io.securefirehose.cli;

import static org.apiguardian.api.API.Status.STABLE;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of the {@code firehose-secure} tool. Exit codes: 0 full success, 1 the operation failed (records
 * failed, a check failed, a rule refused the connection), 2 bad usage.
 */
@API(status = STABLE, since = "0.1.0")
@Command(
        name = "firehose-secure",
        mixinStandardHelpOptions = true,
        versionProvider = FirehoseSecureCli.Version.class,
        description = "Ship records to Amazon Kinesis Data Firehose securely, decrypt what was delivered, print"
                + " least-privilege policies, check a stream's security, or run a local endpoint.",
        subcommands = {
            SendCommand.class,
            DecryptCommand.class,
            PolicyCommand.class,
            CheckCommand.class,
            LocalCommand.class,
            CommandLine.HelpCommand.class
        })
public final class FirehoseSecureCli implements Runnable {

    /** Where commands read and write; the real process streams, or a test's. */
    record Io(InputStream in, PrintWriter out, PrintWriter err) {}

    private final Io io;

    FirehoseSecureCli(Io io) {
        this.io = io;
    }

    /**
     * Runs the tool and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // The tool prints its own explained errors; library logs only on request.
            String level = System.getenv("FIREHOSE_SECURE_LOG");
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level == null ? "off" : level);
        }
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        System.exit(run(args, new Io(System.in, out, err)));
    }

    /**
     * Runs the tool.
     *
     * @param args the command line
     * @param io the streams to use
     * @return the exit code
     */
    static int run(String[] args, Io io) {
        CommandLine commandLine = new CommandLine(new FirehoseSecureCli(io), new Factory(io));
        commandLine.registerConverter(Duration.class, FirehoseSecureCli::duration);
        commandLine.setOut(io.out());
        commandLine.setErr(io.err());
        // A bad flag or flag value: one line naming it, then where the usage is; exit 2.
        commandLine.setParameterExceptionHandler((e, ignored) -> {
            io.err().println("error: " + e.getMessage());
            return usageError(io, e.getCommandLine());
        });
        commandLine.setExecutionExceptionHandler((e, cmd, parsed) -> {
            io.err().println("error: " + explained(e));
            if (e instanceof UsageError) {
                return usageError(io, cmd);
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    /** After a usage error's {@code error:} line: where the usage is; exit code 2. */
    private static int usageError(Io io, CommandLine command) {
        io.err().println("(usage: " + command.getCommandSpec().qualifiedName() + " --help)");
        return 2;
    }

    /** A failure as one line: a file that cannot be read says which and why. */
    static String explained(Exception e) {
        if (e instanceof NoSuchFileException missing) {
            return missing.getFile() + ": no such file";
        }
        if (e instanceof AccessDeniedException denied) {
            return denied.getFile() + ": permission denied";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : FlagNames.translate(e.getMessage());
    }

    /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}, or ISO-8601 such as {@code PT0.5S}. */
    static Duration duration(String text) {
        Matcher simple = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(text.trim());
        if (simple.matches()) {
            long amount = Long.parseLong(simple.group(1));
            return switch (simple.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + text + "' is not a duration: use 250ms, 5s, 2m, 1h or ISO-8601 such as PT0.5S");
        }
    }

    @Override
    public void run() {
        new CommandLine(this).usage(io.out());
    }

    /** Creates commands with the streams to use. */
    private record Factory(Io io) implements CommandLine.IFactory {
        @Override
        public <K> K create(Class<K> type) throws Exception {
            for (var constructor : type.getDeclaredConstructors()) {
                if (constructor.getParameterCount() == 1 && constructor.getParameterTypes()[0] == Io.class) {
                    constructor.setAccessible(true);
                    return type.cast(constructor.newInstance(io));
                }
            }
            return CommandLine.defaultFactory().create(type);
        }
    }

    /** The tool's version, from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = FirehoseSecureCli.class.getPackage().getImplementationVersion();
            return new String[] {"firehose-secure " + (version == null ? "development build" : version)};
        }
    }
}
