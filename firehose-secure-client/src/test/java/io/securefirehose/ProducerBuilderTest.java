package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Every option refuses nonsense with a message that names the option, the rule and the value. */
class ProducerBuilderTest {

    private static SecureFirehoseProducer.Builder valid() {
        return SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(Region.EU_WEST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create());
    }

    static Stream<Arguments> invalidOptions() {
        return Stream.of(
                bad("deliveryStream", b -> b.deliveryStream(""), "1 to 64 characters"),
                bad("deliveryStream", b -> b.deliveryStream("a".repeat(65)), "1 to 64 characters"),
                bad("deliveryStream", b -> b.deliveryStream("has space"), "'has space'"),
                bad("region", b -> b.region("moon-base"), "'moon-base'"),
                bad("endpoint", b -> b.endpoint(URI.create("http://localhost:4573")), "https://"),
                bad("endpoint", b -> b.endpoint(URI.create("https://user@host")), "user info"),
                bad("endpoint", b -> b.endpoint(URI.create("https://host/path")), "path"),
                bad("linger", b -> b.linger(Duration.ofMillis(-1)), "must not be negative"),
                bad("maxBatchRecords", b -> b.maxBatchRecords(0), "between 1 and 500"),
                bad("maxBatchRecords", b -> b.maxBatchRecords(501), "was 501"),
                bad("maxBatchBytes", b -> b.maxBatchBytes(1_023_999), "between 1024000"),
                bad("maxBatchBytes", b -> b.maxBatchBytes(4 * 1024 * 1024 + 1), "was 4194305"),
                bad("maxBufferedBytes", b -> b.maxBufferedBytes(1000), "at least 1024064"),
                bad("maxBlock", b -> b.maxBlock(Duration.ofSeconds(-1)), "must not be negative"),
                bad("maxInFlightRequests", b -> b.maxInFlightRequests(0), "between 1 and 1000"),
                bad("deliveryTimeout", b -> b.deliveryTimeout(Duration.ZERO), "more than zero"),
                bad("requestTimeout", b -> b.requestTimeout(Duration.ofSeconds(-5)), "more than zero"),
                bad("retryBackoff", b -> b.retryBackoff(Duration.ZERO, Duration.ofSeconds(1)), "more than zero"),
                bad("retryBackoffMax", b -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)), "at least"),
                bad(
                        "spill maxBytes",
                        b -> b.spill(Spill.toDirectory(java.nio.file.Path.of("spill"))
                                .maxBytes(1_000_000)),
                        "at least 4194304 (4 MiB), was 1000000"),
                bad(
                        "spill replayInterval",
                        b -> b.spill(Spill.toDirectory(java.nio.file.Path.of("spill"))
                                .replayInterval(Duration.ZERO)),
                        "more than zero"));
    }

    private static final String ROLE = "arn:aws:iam::111122223333:role/orders-producer";
    private static final String KEY_ARN = "arn:aws:kms:eu-west-1:111122223333:key/0b1c2d3e-4f5a-6b7c-8d9e-0f1a2b3c4d5e";

    /** Settings each valid alone that contradict each other, or a required one left out: refused by build(). */
    static Stream<Arguments> conflictingCombinations() {
        return Stream.of(
                conflict(
                        "deliveryStream missing",
                        () -> SecureFirehoseProducer.builder().region(Region.EU_WEST_1),
                        "deliveryStream is required"),
                conflict(
                        "region missing",
                        () -> SecureFirehoseProducer.builder().deliveryStream("orders"),
                        "region is required"),
                conflict(
                        "deliveryTimeout vs linger + requestTimeout",
                        () -> valid().linger(Duration.ofSeconds(1))
                                .requestTimeout(Duration.ofSeconds(30))
                                .deliveryTimeout(Duration.ofSeconds(20)),
                        "deliveryTimeout (PT20S) must be at least linger (PT1S) + requestTimeout (PT30S)"),
                conflict(
                        "vpcEndpoint vs region",
                        () -> valid().region(Region.US_EAST_1)
                                .vpcEndpoint("vpce-0a1b2c3d-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com"),
                        "vpcEndpoint is in region eu-west-1 but the producer signs for region us-east-1"),
                conflict(
                        "assumeRole's STS VPC endpoint vs region",
                        () -> valid().assumeRole(AssumeRole.role(ROLE)
                                .stsVpcEndpoint("vpce-0a1b2c3d-abcdefgh.sts.us-east-1.vpce.amazonaws.com")
                                .build()),
                        "the STS VPC endpoint is in region us-east-1 but the producer's region is eu-west-1"),
                conflict(
                        "envelopeEncryption's KMS VPC endpoint vs region",
                        () -> valid().envelopeEncryption(EnvelopeEncryption.withKmsKey(KEY_ARN)
                                .streamArn("arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders")
                                .kmsVpcEndpoint("vpce-0123456789abcdef0-abcdefgh.kms.us-east-1.vpce.amazonaws.com")
                                .build()),
                        "the KMS VPC endpoint is in region us-east-1 but the producer's region is eu-west-1"),
                conflict(
                        "envelopeEncryption without the stream's account",
                        () -> valid().envelopeEncryption(
                                        EnvelopeEncryption.withKmsKey(KEY_ARN).build()),
                        "envelope encryption binds every record to the stream's ARN, which needs the stream's"
                                + " account"),
                conflict(
                        "assumeRole vs a KMS key alias",
                        () -> valid().assumeRole(AssumeRole.role(ROLE).build())
                                .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/orders")
                                        .build()),
                        "with assumeRole the KMS key must be a key ARN"),
                conflict(
                        "assumeRole vs envelopeEncryption's streamArn",
                        () -> valid().assumeRole(AssumeRole.role(ROLE).build())
                                .envelopeEncryption(EnvelopeEncryption.withKmsKey(KEY_ARN)
                                        .streamArn("arn:aws:firehose:eu-west-1:999999999999:deliverystream/orders")
                                        .build()),
                        "is not the stream the role's session policy allows"));
    }

    private static Arguments conflict(
            String combination, java.util.function.Supplier<SecureFirehoseProducer.Builder> settings, String rule) {
        return Arguments.of(combination, settings, rule);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conflictingCombinations")
    void conflictingCombinationsAreRefusedAtBuildNamingTheOptionsAndTheRule(
            String combination, java.util.function.Supplier<SecureFirehoseProducer.Builder> settings, String rule) {
        SecureFirehoseProducer.Builder builder = settings.get();
        assertThatThrownBy(builder::buildConfig)
                .as(combination)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(rule);
        assertThatThrownBy(builder::build).as(combination).isInstanceOf(IllegalStateException.class);
    }

    private static Arguments bad(String option, Consumer<SecureFirehoseProducer.Builder> setter, String rule) {
        return Arguments.of(option, setter, rule);
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("invalidOptions")
    void invalidValuesAreRefusedWithTheOptionAndTheRule(
            String option, Consumer<SecureFirehoseProducer.Builder> setter, String rule) {
        assertThatThrownBy(() -> setter.accept(valid()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(option)
                .hasMessageContaining(rule);
    }

    @Test
    void nullsAreRefusedWithTheOptionName() {
        assertThatThrownBy(() -> valid().deliveryStream(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("deliveryStream");
        assertThatThrownBy(() -> valid().region((Region) null)).hasMessageContaining("region");
        assertThatThrownBy(() -> valid().trustMaterial(null)).hasMessageContaining("trustMaterial");
        assertThatThrownBy(() -> valid().linger(null)).hasMessageContaining("linger");
        assertThatThrownBy(() -> valid().requestPath(null)).hasMessageContaining("requestPath");
        assertThatThrownBy(() -> valid().spill(null)).hasMessageContaining("spill");
        assertThatThrownBy(() -> Spill.toDirectory(null)).hasMessageContaining("spill directory");
    }

    @Test
    void requiredOptionsAreNamedWhenMissing() {
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .region(Region.EU_WEST_1)
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deliveryStream is required");
        assertThatThrownBy(() ->
                        SecureFirehoseProducer.builder().deliveryStream("s").buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region is required");
    }

    @Test
    void deliveryTimeoutMustCoverLingerAndOneRequest() {
        assertThatThrownBy(() -> valid().deliveryTimeout(Duration.ofSeconds(10))
                        .requestTimeout(Duration.ofSeconds(10))
                        .linger(Duration.ofMillis(1))
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("deliveryTimeout (PT10S)")
                .hasMessageContaining("linger (PT0.001S)")
                .hasMessageContaining("requestTimeout (PT10S)");
    }

    @Test
    void defaultsRespectFirehoseLimitsAndAreDocumentedValues() {
        ProducerConfig config = valid().buildConfig();
        assertThat(config.maxBatchRecords()).isEqualTo(500);
        assertThat(config.maxBatchBytes()).isEqualTo(4_194_304);
        assertThat(config.linger()).isEqualTo(Duration.ofMillis(5));
        assertThat(config.maxBufferedBytes()).isEqualTo(32L * 1024 * 1024);
        assertThat(config.maxBlock()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.maxInFlightRequests()).isEqualTo(5);
        assertThat(config.deliveryTimeout()).isEqualTo(Duration.ofSeconds(120));
        assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.retryBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.retryBackoffMax()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.trustMaterial().isSystemDefault()).isTrue();
        assertThat(config.endpoint()).isNull();
        assertThat(config.requestPath()).isEqualTo(RequestPath.LEAN);
        assertThat(config.rateControl()).isTrue();
        assertThat(valid().rateControl(false).buildConfig().rateControl()).isFalse();
        assertThat(valid().requestPath(RequestPath.SDK_CLIENT).buildConfig().requestPath())
                .isEqualTo(RequestPath.SDK_CLIENT);
        assertThat(config.toString())
                .contains("stream=orders")
                .contains("requestPath=LEAN")
                .contains("rateControl=true")
                .doesNotContain("secret");
    }

    @Test
    void edgeValuesAreAccepted() {
        ProducerConfig config = valid().maxBatchRecords(1)
                .maxBatchBytes(1_024_000)
                .maxBufferedBytes(1_024_064)
                .maxBlock(Duration.ZERO)
                .linger(Duration.ZERO)
                .endpoint(URI.create("https://localhost:8443/"))
                .region("us-gov-west-1")
                .buildConfig();
        assertThat(config.maxBatchRecords()).isEqualTo(1);
        assertThat(config.endpoint()).hasHost("localhost");
        assertThat(config.region()).isEqualTo(Region.US_GOV_WEST_1);
    }

    @Test
    void vpcEndpointNamesAreCheckedForServiceAndRegion() {
        ProducerConfig config = valid().vpcEndpoint(
                        "vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com")
                .buildConfig();
        assertThat(config.endpoint())
                .hasToString("https://vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com");
        assertThat(config.allowedCidrs()).isEqualTo(io.securefirehose.transport.CidrRange.PRIVATE_RANGES);
        assertThat(config.region()).isEqualTo(Region.EU_WEST_1);

        assertThat(valid().vpcEndpoint("vpce-0a1b2c3d-abcdefgh-eu-west-1a.firehose.eu-west-1.vpce.amazonaws.com")
                        .buildConfig()
                        .endpoint())
                .isNotNull();
        assertThatThrownBy(() -> valid().vpcEndpoint("vpce-0a1b2c3d-abcdefgh.firehose.us-east-1.vpce.amazonaws.com")
                        .buildConfig())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("region us-east-1")
                .hasMessageContaining("signs for region eu-west-1");
        assertThatThrownBy(() -> valid().vpcEndpoint("vpce-0a1b2c3d-abcdefgh.kinesis.eu-west-1.vpce.amazonaws.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("service 'kinesis'");
        assertThatThrownBy(() -> valid().vpcEndpoint("firehose.example.com"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vpce-<id>-<suffix>.firehose.<region>.vpce.amazonaws.com");
    }

    @Test
    void privateDnsPinsTheRegionalName() {
        ProducerConfig config = valid().privateDns().buildConfig();
        assertThat(config.endpoint()).hasToString("https://firehose.eu-west-1.amazonaws.com");
        assertThat(config.allowedCidrs()).isNotNull();
        assertThat(valid().vpcEndpoint("firehose.eu-west-1.amazonaws.com")
                        .buildConfig()
                        .allowedCidrs())
                .isNotNull();
        assertThat(valid().buildConfig().allowedCidrs())
                .as("the public endpoint is not pinned")
                .isNull();
    }

    @Test
    void endpointOptionsThatContradictEachOtherAreRefused() {
        assertThatThrownBy(() -> valid().endpoint(URI.create("https://localhost:1"))
                        .vpcEndpoint("vpce-0a1b2c3d-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("conflicts");
        assertThatThrownBy(() -> valid().vpcEndpoint("vpce-0a1b2c3d-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com")
                        .endpoint(URI.create("https://localhost:1")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("conflicts");
        assertThatThrownBy(() ->
                        valid().endpoint(URI.create("https://localhost:1")).privateDns())
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> valid().allowedCidrs()).hasMessageContaining("at least one range");
        assertThatThrownBy(() -> valid().allowedCidrs("10.0.0.0/8", "nonsense")).hasMessageContaining("nonsense");
    }
}
