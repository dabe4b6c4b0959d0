package io.securefirehose.spring.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.ProducerProperties;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * {@code META-INF/spring-configuration-metadata.json}, which IDEs read to complete {@code firehose.secure.*}, lists
 * exactly the producer's keys ({@link ProducerProperties#keys()}) and the starter's own, with their descriptions
 * and defaults. The expected file is written to {@code target/spring-configuration-metadata.json} on every run.
 */
class ConfigurationMetadataTest {

    /** The starter's own keys: name, type, default, description. */
    private static final List<String[]> STARTER_KEYS = List.of(
            new String[] {
                "health.posture-check",
                "java.lang.Boolean",
                "true",
                "Whether the health indicator reads the stream's security posture (DescribeDeliveryStream)."
            },
            new String[] {
                "health.posture-interval",
                "java.time.Duration",
                "1m",
                "How long the health indicator reuses a posture read before asking AWS again."
            });

    static String expectedMetadata() {
        StringBuilder json = new StringBuilder();
        json.append("{\n  \"groups\": [\n    {\n      \"name\": \"firehose.secure\",\n")
                .append("      \"description\": \"SecureFirehoseProducer options; see docs/configuration.md.\"\n")
                .append("    }\n  ],\n  \"properties\": [\n");
        List<ProducerProperties.Key> keys = ProducerProperties.keys();
        for (int i = 0; i < keys.size(); i++) {
            ProducerProperties.Key key = keys.get(i);
            boolean named = key.name().endsWith(".<name>");
            String name = named ? key.name().substring(0, key.name().length() - ".<name>".length()) : key.name();
            String type = named ? "java.util.Map<java.lang.String,java.lang.String>" : "java.lang.String";
            String description = capitalised(key.description()) + ". Value: " + key.type() + ". Default: "
                    + key.defaultValue() + ".";
            property(json, name, type, description, literalDefault(key.defaultValue()));
            json.append(",\n");
        }
        for (int i = 0; i < STARTER_KEYS.size(); i++) {
            String[] key = STARTER_KEYS.get(i);
            property(json, key[0], key[1], key[3], key[2]);
            json.append(i + 1 < STARTER_KEYS.size() ? ",\n" : "\n");
        }
        return json.append("  ]\n}\n").toString();
    }

    private static void property(StringBuilder json, String name, String type, String description, String value) {
        json.append("    {\n      \"name\": \"firehose.secure.")
                .append(name)
                .append("\",\n      \"type\": \"")
                .append(type)
                .append("\",\n      \"description\": \"")
                .append(description.replace("\\", "\\\\").replace("\"", "\\\""))
                .append('"');
        if (value != null) {
            json.append(",\n      \"defaultValue\": \"").append(value).append('"');
        }
        json.append("\n    }");
    }

    /** A default that is a value an IDE can show, or null for a description ("the region's", "none"). */
    private static String literalDefault(String text) {
        boolean word = text.matches("[A-Za-z0-9_.-]+");
        return word && !List.of("required", "none", "generated", "AWS_ROLE_ARN").contains(text) ? text : null;
    }

    private static String capitalised(String text) {
        return Character.toUpperCase(text.charAt(0)) + text.substring(1);
    }

    @Test
    void theMetadataListsEveryKeyWithItsDescriptionAndDefault() throws IOException {
        String expected = expectedMetadata();
        Files.createDirectories(Path.of("target"));
        Files.writeString(Path.of("target/spring-configuration-metadata.json"), expected, UTF_8);
        String shipped;
        try (InputStream in = Objects.requireNonNull(
                getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json"),
                "META-INF/spring-configuration-metadata.json is missing")) {
            shipped = new String(in.readAllBytes(), UTF_8);
        }
        assertThat(shipped)
                .as("copy target/spring-configuration-metadata.json to src/main/resources/META-INF/")
                .isEqualTo(expected);
        assertThat(expected).contains("\"name\": \"firehose.secure.linger\"", "\"defaultValue\": \"5ms\"");
    }
}
