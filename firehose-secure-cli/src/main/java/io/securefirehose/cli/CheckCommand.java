package io.securefirehose.cli;

import io.securefirehose.ProducerConfig;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.posture.PostureFinding;
import io.securefirehose.posture.PostureReport;
import io.securefirehose.posture.SecurityPosture;
import io.securefirehose.transport.CidrRange;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import software.amazon.awssdk.regions.PartitionMetadata;

/** {@code check}: the operator's doctor for one stream. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        versionProvider = FirehoseSecureCli.Version.class,
        description = "Check everything a producer with these flags depends on: the endpoint's addresses against the"
                + " rules, a TLS handshake (protocol, cipher, certificate), the assumed role, and the stream's"
                + " security posture (DescribeDeliveryStream). One line per finding: PASS, WARN, FAIL or INFO;"
                + " exit code 1 on any FAIL.")
final class CheckCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--stream", required = true, description = "the delivery stream's name")
    String stream = "";

    private final FirehoseSecureCli.Io io;
    private int failures;
    private int warnings;
    private int passes;

    CheckCommand(FirehoseSecureCli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        ProducerConfig config;
        try {
            config = connection.producer(stream).buildConfig();
        } catch (UsageError e) {
            throw e;
        } catch (RuntimeException e) {
            report("FAIL", "settings", FailureSummary.describe(e));
            return finish();
        }
        // The host DescribeDeliveryStream really goes to: the SDK's endpoint-override sources are ignored there too.
        URI endpoint = config.firehoseEndpoint();
        report(
                "INFO",
                "connection",
                "endpoint " + endpoint + ", region " + config.region().id() + ", partition "
                        + PartitionMetadata.of(config.region()).id() + ", TLS policy "
                        + config.tlsPolicy().name());
        String host = endpoint.getHost();
        int port = endpoint.getPort() < 0 ? 443 : endpoint.getPort();
        List<InetAddress> addresses = addresses(config, host);
        if (!addresses.isEmpty()) {
            tls(config, host, port, addresses.get(0));
        }
        posture(config);
        return finish();
    }

    private List<InetAddress> addresses(ProducerConfig config, String host) {
        List<InetAddress> resolved;
        try {
            resolved = config.hostResolver().resolve(host);
        } catch (IOException e) {
            report("FAIL", "endpoint-addresses", host + " does not resolve: " + e.getMessage());
            return List.of();
        }
        List<String> shown = new ArrayList<>();
        resolved.forEach(a -> shown.add(a.getHostAddress()));
        List<CidrRange> allowed = config.allowedCidrs();
        if (allowed == null) {
            report(
                    "INFO",
                    "endpoint-addresses",
                    host + " resolves to " + shown + "; not verified or pinned (a public"
                            + " endpoint); use --vpc-endpoint or --allow-cidr to require private addresses");
            return resolved;
        }
        List<String> outside = new ArrayList<>();
        for (InetAddress address : resolved) {
            if (allowed.stream().noneMatch(range -> range.contains(address))) {
                outside.add(address.getHostAddress());
            }
        }
        if (outside.isEmpty()) {
            report("PASS", "endpoint-addresses", host + " resolves to " + shown + ", all within " + allowed);
            return resolved;
        }
        report(
                "FAIL",
                "endpoint-addresses",
                host + " resolves to " + shown + "; " + outside + " outside the allowed"
                        + " ranges " + allowed
                        + " -> use the VPC endpoint's name, or fix private DNS, or widen --allow-cidr"
                        + " if those addresses are yours");
        return List.of();
    }

    private void tls(ProducerConfig config, String host, int port, InetAddress address) {
        try {
            TlsProbe.Agreed agreed =
                    TlsProbe.handshake(host, address, port, config.trustMaterial(), config.tlsPolicy());
            report(
                    "PASS",
                    "tls",
                    agreed.protocol() + " " + agreed.cipherSuite() + " with " + host + " ("
                            + address.getHostAddress() + "), certificate and host name verified, allowed by "
                            + config.tlsPolicy());
        } catch (IOException e) {
            report(
                    "FAIL",
                    "tls",
                    "handshake with " + host + " (" + address.getHostAddress() + ") failed: "
                            + e.getMessage()
                            + " -> the endpoint must offer TLS 1.3, or TLS 1.2 with ECDHE and AEAD ciphers,"
                            + " with a certificate for " + host + " from a trusted authority (--trust-pem)");
        }
    }

    private void posture(ProducerConfig config) {
        PostureReport report;
        try {
            report = SecurityPosture.check(config);
        } catch (RuntimeException e) {
            CredentialsUnavailableException noCredentials = credentialsFailureIn(e);
            if (noCredentials != null) {
                report("FAIL", "credentials", FailureSummary.describe(noCredentials));
                report("FAIL", "describe", "DescribeDeliveryStream was not called: no credentials (see credentials)");
                return;
            }
            report("FAIL", "describe", "DescribeDeliveryStream failed: " + FailureSummary.describe(e));
            return;
        }
        if (config.assumeRole() != null) {
            report(
                    "PASS",
                    "credentials",
                    "assumed " + config.assumeRole().roleArn() + " with a session policy narrowed to the stream");
        }
        for (PostureFinding finding : report.findings()) {
            String line =
                    finding.evidence() + (finding.level() == PostureFinding.Level.PASS ? "" : " -> " + finding.fix());
            report(finding.level().name(), finding.id(), line);
        }
    }

    private static @Nullable CredentialsUnavailableException credentialsFailureIn(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof CredentialsUnavailableException credentials) {
                return credentials;
            }
        }
        return null;
    }

    private void report(String level, String id, String text) {
        switch (level) {
            case "FAIL" -> failures++;
            case "WARN" -> warnings++;
            case "PASS" -> passes++;
            default -> {}
        }
        io.out().println(level + " " + id + ": " + text);
    }

    private int finish() {
        io.out().println("check: " + passes + " passed, " + warnings + " warning(s), " + failures + " failed");
        return failures == 0 ? 0 : 1;
    }
}
