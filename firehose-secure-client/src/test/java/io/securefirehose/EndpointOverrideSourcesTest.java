package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.testkit.LocalFirehose;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The AWS SDK's endpoint-override sources (environment variables, system properties, the profile file) never decide
 * where this SDK's clients connect: each source points at a plain-HTTP listener on loopback, which must receive zero
 * bytes, while every client still reaches the endpoint it was configured with, or its region's standard HTTPS
 * endpoint.
 */
class EndpointOverrideSourcesTest {

    /** The regional names the child JVM's clients use; its hosts file maps them (and nothing else) to loopback. */
    private static final List<String> REGIONAL_HOSTS =
            List.of("firehose.us-east-1.amazonaws.com", "kms.us-east-1.amazonaws.com", "sts.us-east-1.amazonaws.com");

    private static final List<String> SERVICES = List.of("Firehose", "Kms", "Sts");

    @RegisterExtension
    final TestResources resources = new TestResources();

    @TempDir
    Path dir;

    enum Source {
        ENVIRONMENT,
        SYSTEM_PROPERTY,
        PROFILE_FILE
    }

    @ParameterizedTest(name = "clients without an endpoint ignore the {0} and use the region's HTTPS endpoint")
    @EnumSource(Source.class)
    void clientsWithoutAnEndpointIgnoreTheOverrideSourceAndUseTheRegionsHttpsEndpoint(Source source) throws Exception {
        PlainListener listener = resources.add(PlainListener.start());
        Path hosts = dir.resolve("hosts");
        StringBuilder lines = new StringBuilder("127.0.0.1 localhost\n");
        REGIONAL_HOSTS.forEach(host -> lines.append("127.0.0.1 ").append(host).append('\n'));
        Files.writeString(hosts, lines.toString());

        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.net.hosts.file=" + hosts,
                "-Djava.net.preferIPv4Stack=true",
                "-Daws.region=us-east-1",
                "-cp",
                System.getProperty("java.class.path")));
        ProcessBuilder child = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> environment = child.environment();
        environment.put("AWS_EC2_METADATA_DISABLED", "true");
        String plain = listener.httpUri().toString();
        switch (source) {
            case ENVIRONMENT -> {
                environment.put("AWS_ENDPOINT_URL", plain);
                SERVICES.forEach(
                        s -> environment.put("AWS_ENDPOINT_URL_" + s.toUpperCase(java.util.Locale.ROOT), plain));
            }
            case SYSTEM_PROPERTY -> {
                command.add("-Daws.endpointUrl=" + plain);
                SERVICES.forEach(s -> command.add("-Daws.endpointUrl" + s + "=" + plain));
            }
            case PROFILE_FILE -> command.add("-Daws.configFile=" + profileFile(plain));
        }
        command.add(DefaultEndpointClients.class.getName());
        child.command(command);

        Process process = child.start();
        String output;
        try (var out = process.getInputStream()) {
            output = new String(out.readAllBytes(), UTF_8);
        }
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        Map<String, String> outcomes = outcomes(output);

        assertThat(listener.bytesReceived()).as(output).isZero();
        assertThat(outcomes)
                .as(output)
                .containsKeys(
                        "firehose-lean",
                        "firehose-sdk-client",
                        "sts",
                        "kms-encrypt",
                        "describe",
                        "kms-decrypt",
                        "kms-decrypt-allowed-cidrs");
        // Each call went to its region's name on port 443, mapped to loopback where nothing listens (the listener
        // would have accepted the connection).
        for (String client :
                List.of("firehose-lean", "firehose-sdk-client", "kms-encrypt", "describe", "kms-decrypt")) {
            assertThat(outcomes.get(client))
                    .as(client)
                    .contains("Connection refused")
                    .doesNotContain(plain);
        }
        assertThat(outcomes.get("sts"))
                .contains("CredentialsUnavailableException")
                .contains("Connection refused");
        // The failure listener saw where each producer's first call went: the region's standard HTTPS names.
        assertThat(outcomes.get("firehose-lean")).contains("https://firehose.us-east-1.amazonaws.com ");
        assertThat(outcomes.get("firehose-sdk-client")).contains("https://firehose.us-east-1.amazonaws.com ");
        assertThat(outcomes.get("sts")).contains("https://sts.us-east-1.amazonaws.com ");
        assertThat(outcomes.get("kms-encrypt")).contains("https://kms.us-east-1.amazonaws.com ");
        // allowedCidrs applies to the regional KMS endpoint too: it resolves to loopback, outside 10.0.0.0/8.
        assertThat(outcomes.get("kms-decrypt-allowed-cidrs"))
                .startsWith("EndpointPolicyViolationException")
                .contains("kms.us-east-1.amazonaws.com")
                .contains("10.0.0.0/8");
    }

    @Test
    void clientsGivenAnEndpointUseItWhateverTheSystemPropertiesAndProfileFileSay() throws Exception {
        PlainListener listener = resources.add(PlainListener.start());
        String plain = listener.httpUri().toString();
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("aws.endpointUrl", plain);
        SERVICES.forEach(s -> properties.put("aws.endpointUrl" + s, plain));
        properties.put("aws.configFile", profileFile(plain).toString());
        LocalFirehose server = resources.add(EveryClient.server().start());
        Map<String, String> before = new LinkedHashMap<>();
        properties.keySet().forEach(key -> before.put(key, System.getProperty(key)));
        try {
            properties.forEach(System::setProperty);
            assertThat(EveryClient.exercise(server))
                    .containsExactly(
                            "firehose LEAN with sts and kms",
                            "firehose SDK_CLIENT with sts and kms",
                            "describe",
                            "kms decrypt");
        } finally {
            before.forEach((key, value) -> {
                if (value == null) {
                    System.clearProperty(key);
                } else {
                    System.setProperty(key, value);
                }
            });
        }
        assertThat(listener.bytesReceived()).isZero();
        assertThat(listener.firstBytes()).isEmpty();
    }

    /** A profile file whose default profile and services section both point every service at {@code url}. */
    private Path profileFile(String url) throws IOException {
        StringBuilder text = new StringBuilder("[default]\nendpoint_url = ")
                .append(url)
                .append("\nservices = local\n\n[services local]\n");
        SERVICES.forEach(s -> text.append(s.toLowerCase(java.util.Locale.ROOT))
                .append(" =\n  endpoint_url = ")
                .append(url)
                .append('\n'));
        return Files.writeString(dir.resolve("config-" + System.nanoTime()), text.toString());
    }

    private static Map<String, String> outcomes(String output) {
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0 && !line.startsWith(" ") && !line.contains("\t")) {
                outcomes.putIfAbsent(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        assertThat(output).contains("\ndone");
        return outcomes;
    }
}
