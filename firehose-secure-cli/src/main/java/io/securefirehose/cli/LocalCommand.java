package io.securefirehose.cli;

import io.securefirehose.testkit.LocalFirehoseMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/** {@code local}: runs the testkit's Firehose/STS/KMS endpoint until the process is stopped. */
@Command(
        name = "local",
        versionProvider = FirehoseSecureCli.Version.class,
        description = "Run a local Firehose/STS/KMS-compatible HTTPS endpoint on 127.0.0.1 until stopped. Flags:"
                + " --port N, --stream NAME (repeatable), --region R, --output-dir DIR, --gzip,"
                + " --object-age-seconds S, --trust-pem FILE, --no-capture, --kms-key ID[,alias/NAME...], --role ARN,"
                + " --quota RECORDS_PER_S,REQUESTS_PER_S,BYTES_PER_S, --posture unprotected|compliant,"
                + " --acknowledge-only (load measurements only: PutRecordBatch accepted unchecked), --help."
                + " Prints the URL, the trust PEM's path, the test credentials, the streams' ARNs and a block to paste"
                + " into another shell.")
final class LocalCommand implements Callable<Integer> {

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Spec
    @Nullable
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (flags.contains("--version")) {
            spec().commandLine().printVersionHelp(spec().commandLine().getOut());
            return 0;
        }
        try {
            // Blocks until the process is stopped (Ctrl-C, SIGTERM); a shutdown hook closes the endpoint.
            LocalFirehoseMain.main(flags.toArray(new String[0]));
        } catch (IllegalArgumentException badFlag) {
            throw new ParameterException(spec().commandLine(), String.valueOf(badFlag.getMessage()), badFlag);
        }
        return 0;
    }

    private CommandSpec spec() {
        return java.util.Objects.requireNonNull(spec, "picocli injects the spec");
    }
}
