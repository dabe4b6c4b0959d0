package io.securefirehose.cli;

import io.securefirehose.testkit.LocalFirehoseMain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code local}: runs the testkit's Firehose/STS/KMS endpoint until the process is stopped. */
@Command(
        name = "local",
        description = "Run a local Firehose/STS/KMS-compatible HTTPS endpoint on 127.0.0.1 until stopped. Flags:"
                + " --port N, --stream NAME (repeatable), --region R, --output-dir DIR, --gzip,"
                + " --object-age-seconds S, --trust-pem FILE, --no-capture, --kms-key ID[,alias/NAME...], --role ARN,"
                + " --quota RECORDS_PER_S,REQUESTS_PER_S,BYTES_PER_S, --posture unprotected|compliant, --help."
                + " Prints the URL, the trust PEM's path, the test credentials, the streams' ARNs and a block to paste"
                + " into another shell.")
final class LocalCommand implements Callable<Integer> {

    @Unmatched
    List<String> flags = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        // Blocks until the process is stopped (Ctrl-C, SIGTERM); a shutdown hook closes the endpoint.
        LocalFirehoseMain.main(flags.toArray(new String[0]));
        return 0;
    }
}
