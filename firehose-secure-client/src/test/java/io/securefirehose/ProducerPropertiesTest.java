package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.records.Coalescing;
import io.securefirehose.transport.TlsPolicy;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * {@code properties(...)}: every key reaches the option it names, bad keys and values are refused naming the key,
 * the value and what is accepted, and {@code docs/configuration.md} lists exactly {@link ProducerProperties#keys()}
 * with defaults that are the builder's own.
 */
class ProducerPropertiesTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/producer";
    private static final String KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private static ProducerBuilder builder() {
        return SecureFirehoseProducer.builder().credentialsProvider(AnonymousCredentialsProvider.create());
    }

    private static ProducerConfig fromProperties(Map<String, String> properties) {
        return builder().properties(properties).buildConfig();
    }

    @Test
    void everyKeyReachesItsOption(@TempDir Path dir) throws IOException {
        Path pem = dir.resolve("ca.pem");
        try (io.securefirehose.testkit.LocalFirehose local =
                io.securefirehose.testkit.LocalFirehose.builder().start()) {
            Files.writeString(pem, local.trustPem(), UTF_8);
        }
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("stream", "orders");
        properties.put("region", "eu-west-1");
        properties.put("endpoint", "https://localhost:8443");
        properties.put("allowed-cidrs", "127.0.0.0/8, 10.0.0.0/8");
        properties.put("trust-pem", pem.toString());
        properties.put("tls-policy", "tls13_only");
        properties.put("linger", "20ms");
        properties.put("max-batch-records", "100");
        properties.put("max-batch-bytes", "1MiB");
        properties.put("max-buffered-bytes", "64MiB");
        properties.put("max-block", "2s");
        properties.put("max-in-flight-requests", "3");
        properties.put("delivery-timeout", "PT3M");
        properties.put("request-timeout", "10s");
        properties.put("retry-backoff", "50ms");
        properties.put("retry-backoff-max", "10s");
        properties.put("request-path", "sdk-client");
        properties.put("tls-engine", "boringssl");
        properties.put("rate-control", "false");
        properties.put("require-server-side-encryption", "TRUE");
        properties.put("assume-role.role-arn", ROLE);
        properties.put("assume-role.external-id", "orders-7f3c9a");
        properties.put("assume-role.session-name", "orders-host-1");
        properties.put("assume-role.session-tag.team", "payments");
        properties.put("assume-role.session-policy-condition.net", "IpAddress aws:SourceIp 10.20.0.0/16");
        properties.put("assume-role.duration", "2h");
        properties.put("assume-role.refresh-before", "10m");
        properties.put("encryption.kms-key", KEY);
        properties.put("encryption.context.app", "orders");
        properties.put("encryption.max-data-key-age", "1m");
        properties.put("coalescing", "newline");
        properties.put("coalescing.max-record-bytes", "128KiB");
        properties.put("spill.directory", dir.resolve("spill").toString());
        properties.put("spill.max-bytes", "64MiB");

        ProducerConfig config = fromProperties(properties);

        ProducerConfig expected = builder()
                .deliveryStream("orders")
                .region("eu-west-1")
                .endpoint(URI.create("https://localhost:8443"))
                .allowedCidrs("127.0.0.0/8", "10.0.0.0/8")
                .trustMaterial(io.securefirehose.transport.TrustMaterial.fromPemFile(pem))
                .tlsPolicy(TlsPolicy.TLS13_ONLY)
                .linger(Duration.ofMillis(20))
                .maxBatchRecords(100)
                .maxBatchBytes(1 << 20)
                .maxBufferedBytes(64L << 20)
                .maxBlock(Duration.ofSeconds(2))
                .maxInFlightRequests(3)
                .deliveryTimeout(Duration.ofMinutes(3))
                .requestTimeout(Duration.ofSeconds(10))
                .retryBackoff(Duration.ofMillis(50), Duration.ofSeconds(10))
                .requestPath(RequestPath.SDK_CLIENT)
                .tlsEngine(io.securefirehose.transport.TlsEngine.BORINGSSL)
                .rateControl(false)
                .requireServerSideEncryption(true)
                .assumeRole(AssumeRole.role(ROLE).externalId("orders-7f3c9a").build())
                .envelopeEncryption(EnvelopeEncryption.withKmsKey(KEY).build())
                .coalescing(Coalescing.newlineDelimited().maxRecordBytes(128 * 1024))
                .spill(Spill.toDirectory(dir.resolve("spill")).maxBytes(64L << 20))
                .buildConfig();
        assertThat(config.toString()).isEqualTo(expected.toString());
        AssumeRole role = config.assumeRole();
        assertThat(role).isNotNull();
        assertThat(role.externalId()).isEqualTo("orders-7f3c9a");
        assertThat(role.sessionName()).isEqualTo("orders-host-1");
        assertThat(role.sessionTags()).containsExactly(Map.entry("team", "payments"));
        assertThat(role.duration()).isEqualTo(Duration.ofHours(2));
        assertThat(role.refreshBefore()).isEqualTo(Duration.ofMinutes(10));
        assertThat(role.narrow(io.securefirehose.credentials.LeastPrivilegePolicies.builder()
                                .streamArn("arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders"))
                        .build()
                        .sessionPolicyMinified())
                .contains("\"IpAddress\":{\"aws:SourceIp\":\"10.20.0.0/16\"}");
        EnvelopeEncryption encryption = config.encryption();
        assertThat(encryption).isNotNull();
        assertThat(encryption.encryptionContext()).containsEntry("app", "orders");
        assertThat(encryption.maxDataKeyAge()).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void theConnectionKeysReachTheirOptions() {
        ProducerConfig config = fromProperties(Map.of(
                "stream", "orders",
                "region", "us-east-1",
                "private-dns", "vpce-0a1b2c3d4e5f67890",
                "fips-enabled", "true",
                "dual-stack-enabled", "true"));
        assertThat(config.fipsEnabled()).isTrue();
        assertThat(config.dualStackEnabled()).isTrue();
        assertThat(config.vpcEndpointId()).isEqualTo("vpce-0a1b2c3d4e5f67890");
        assertThat(config.allowedCidrs()).isNotNull();
        assertThat(fromProperties(Map.of(
                                "stream",
                                "orders",
                                "region",
                                "eu-west-1",
                                "vpc-endpoint",
                                "vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com"))
                        .vpcEndpointId())
                .isEqualTo("vpce-0a1b2c3d4e5f67890");
        assertThat(fromProperties(Map.of("stream", "orders", "region", "eu-west-1", "private-dns", "false"))
                        .allowedCidrs())
                .as("private-dns=false leaves the public endpoint unpinned")
                .isNull();
    }

    @Test
    void aPropertiesObjectIsReadWithItsDefaults() {
        Properties defaults = new Properties();
        defaults.setProperty("region", "eu-west-1");
        Properties properties = new Properties(defaults);
        properties.setProperty("stream", "orders");
        properties.setProperty("linger", "1s");

        ProducerConfig config = builder().properties(properties).buildConfig();

        assertThat(config.region().id()).isEqualTo("eu-west-1");
        assertThat(config.linger()).isEqualTo(Duration.ofSeconds(1));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "linger|5 sec|property 'linger' = '5 sec': not a duration",
                "max-buffered-bytes|32MB|decimal units such as MB are not accepted",
                "max-batch-bytes|4GiB|property 'max-batch-bytes' = '4GiB': too large a size",
                "rate-control|yes|property 'rate-control' = 'yes': not a boolean: use true or false",
                "max-batch-records|600|property 'max-batch-records' = '600': maxBatchRecords must be",
                "max-in-flight-requests|many|property 'max-in-flight-requests' = 'many': not a whole number",
                "tls-policy|LEGACY|(accepted: MODERN, TLS13_ONLY or FIPS)",
                "endpoint|http://localhost:1|property 'endpoint' = 'http://localhost:1'",
                "coalescing|gzip|property 'coalescing' = 'gzip': not a coalescing framing",
                "request-path|fast|(accepted: LEAN or SDK_CLIENT)",
                "tls-engine|openssl|(accepted: JDK or BORINGSSL)",
                "region|'   '|property 'region' = '': empty",
                "assume-role.session-policy-condition.x|IpAddress aws:SourceIp|a condition is three words"
            })
    void aBadValueIsRefusedNamingTheKeyTheValueAndWhatIsAccepted(String key, String value, String message) {
        Map<String, String> properties = new LinkedHashMap<>(Map.of("stream", "orders", "region", "eu-west-1"));
        if (key.startsWith("assume-role.")) {
            properties.put("assume-role.role-arn", ROLE);
        }
        properties.put(key, value);

        assertThatThrownBy(() -> builder().properties(properties))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void theTwoRetryBackoffKeysAreTakenTogetherWhateverTheirValues() {
        Map<String, String> required = Map.of("stream", "orders", "region", "eu-west-1");
        Map<String, String> longer = new LinkedHashMap<>(required);
        longer.put("retry-backoff", "10s"); // above the default largest delay, 5 s
        longer.put("retry-backoff-max", "20s");
        ProducerConfig config = fromProperties(longer);
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retryBackoffMax()).isEqualTo(Duration.ofSeconds(20));

        Map<String, String> shorter = new LinkedHashMap<>(required);
        shorter.put("retry-backoff", "10ms");
        shorter.put("retry-backoff-max", "50ms"); // below the default first delay, 100 ms
        config = fromProperties(shorter);
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(10));
        assertThat(config.retryBackoffMax()).isEqualTo(Duration.ofMillis(50));

        Map<String, String> alone = new LinkedHashMap<>(required);
        alone.put("retry-backoff", "10s");
        assertThatThrownBy(() -> builder().properties(alone))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("property 'retry-backoff' = '10s'")
                .hasMessageContaining("retryBackoffMax (PT5S) must be at least retryBackoff (PT10S)");
        Map<String, String> inverted = new LinkedHashMap<>(required);
        inverted.put("retry-backoff", "2s");
        inverted.put("retry-backoff-max", "1s");
        assertThatThrownBy(() -> builder().properties(inverted))
                .hasMessageContaining("retryBackoffMax (PT1S) must be at least retryBackoff (PT2S)");
    }

    @Test
    void anUnknownKeyIsRefusedWithTheClosestKnownOne() {
        assertThatThrownBy(() -> builder().properties(Map.of("lingr", "5ms")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown property 'lingr' (did you mean 'linger'?)")
                .hasMessageContaining("docs/configuration.md");
        assertThatThrownBy(() -> builder().properties(Map.of("delivery.stream.name", "orders")))
                .hasMessageStartingWith("unknown property 'delivery.stream.name'; the keys are");
    }

    @Test
    void aGroupsKeyWithoutItsFirstKeyIsRefused() {
        assertThatThrownBy(() -> builder().properties(Map.of("assume-role.external-id", "x1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("property 'assume-role.external-id' needs 'assume-role.role-arn'");
        assertThatThrownBy(
                        () -> builder().properties(Map.of("coalescing", "none", "coalescing.max-record-bytes", "2KiB")))
                .hasMessageContaining(
                        "property 'coalescing.max-record-bytes' needs 'coalescing' to be other than" + " 'none'");
        assertThatThrownBy(() -> builder().properties(Map.of("web-identity.role-arn", ROLE)))
                .as("the group's own build() rule")
                .hasMessageContaining("property 'web-identity.role-arn'")
                .hasMessageContaining("tokenFile is required");
    }

    /** A default in the table is the builder's: setting a key to its documented default changes nothing. */
    @Test
    void everyDocumentedDefaultThatIsAValueIsTheBuildersDefault() {
        Map<String, String> required = Map.of("stream", "orders", "region", "eu-west-1");
        ProducerConfig untouched = fromProperties(required);
        List<String> checked = new ArrayList<>();
        for (ProducerProperties.Key key : ProducerProperties.keys()) {
            if (key.name().contains(".") || required.containsKey(key.name())) {
                continue;
            }
            Map<String, String> withDefault = new LinkedHashMap<>(required);
            withDefault.put(key.name(), key.defaultValue());
            ProducerConfig config;
            try {
                config = fromProperties(withDefault);
            } catch (IllegalArgumentException notAValue) {
                continue; // "the region's", "none": descriptions, not values
            }
            checked.add(key.name());
            assertThat(config.toString() + config.fipsEnabled() + config.dualStackEnabled())
                    .as(key.name() + "=" + key.defaultValue())
                    .isEqualTo(untouched.toString() + untouched.fipsEnabled() + untouched.dualStackEnabled());
        }
        assertThat(checked)
                .contains(
                        "linger",
                        "max-batch-records",
                        "max-batch-bytes",
                        "max-buffered-bytes",
                        "max-block",
                        "max-in-flight-requests",
                        "delivery-timeout",
                        "request-timeout",
                        "retry-backoff",
                        "retry-backoff-max",
                        "request-path",
                        "tls-engine",
                        "rate-control",
                        "require-server-side-encryption",
                        "tls-policy",
                        "fips-enabled",
                        "dual-stack-enabled",
                        "coalescing");
    }

    @Test
    void docsConfigurationListsExactlyTheKeys() throws IOException {
        String doc = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("docs/configuration.md"), UTF_8);
        String begin = "<!-- keys: generated from ProducerProperties.keys(); ProducerPropertiesTest checks it -->\n";
        String end = "<!-- end of keys -->";
        assertThat(doc).contains(begin).contains(end);
        String table = doc.substring(doc.indexOf(begin) + begin.length(), doc.indexOf(end));

        StringBuilder expected = new StringBuilder("| key | value | default | sets |\n|---|---|---|---|\n");
        for (ProducerProperties.Key key : ProducerProperties.keys()) {
            expected.append("| `")
                    .append(key.name())
                    .append("` | ")
                    .append(key.type())
                    .append(" | ")
                    .append(key.defaultValue())
                    .append(" | ")
                    .append(key.description())
                    .append(" |\n");
        }
        assertThat(table).as("paste this table into docs/configuration.md").isEqualTo(expected.toString());
    }

    /** Options of the builders with no key, and why: each needs an object or code. */
    private static final Map<String, String> CODE_ONLY = Map.ofEntries(
            Map.entry("ConnectionOptions#credentialsProvider", "an AwsCredentialsProvider object"),
            Map.entry("ConnectionOptions#hostResolver", "a resolver is code"),
            Map.entry("ProducerBuilder#serviceFailureListener", "a listener is code"),
            Map.entry("ProducerBuilder#scheduler", "a scheduler object"),
            Map.entry("ProducerBuilder#properties", "reads the keys"),
            Map.entry("ConnectionOptions#trustMaterial", "trust-pem and trust-system-defaults; a KeyStore needs code"),
            Map.entry("ConnectionOptions#webIdentity", "the web-identity.* keys"),
            Map.entry("ConnectionOptions#assumeRole", "the assume-role.* keys"),
            Map.entry("ProducerBuilder#envelopeEncryption", "the encryption.* keys"),
            Map.entry("ProducerBuilder#listener", "a listener is code"),
            Map.entry("ProducerBuilder#tracing", "an OpenTelemetry object"));

    @Test
    void everyOptionOfTheBuilderHasAKeyOrNeedsCode() {
        Set<String> keys = new TreeSet<>();
        ProducerProperties.keys().forEach(key -> keys.add(key.name()));
        Set<String> missing = new TreeSet<>();
        for (Class<?> type : List.of(ProducerBuilder.class, ConnectionOptions.class)) {
            for (Method method : type.getDeclaredMethods()) {
                if (!Modifier.isPublic(method.getModifiers())
                        || method.isSynthetic()
                        || method.getParameterCount() == 0) {
                    continue;
                }
                String option = type.getSimpleName() + "#" + method.getName();
                String kebab =
                        method.getName().replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
                List<String> candidates = List.of(
                        kebab, kebab.replace("delivery-stream", "stream"), kebab.replace("spill", "spill.directory"));
                if (!CODE_ONLY.containsKey(option) && candidates.stream().noneMatch(keys::contains)) {
                    missing.add(option);
                }
            }
        }
        assertThat(missing)
                .as("options with neither a key nor a reason in CODE_ONLY")
                .isEmpty();
    }
}
