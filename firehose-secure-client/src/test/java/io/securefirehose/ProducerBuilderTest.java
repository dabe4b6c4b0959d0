package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.credentials.LeastPrivilegePolicies;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.records.Coalescing;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Every option refuses nonsense with a message that names the option, the rule and the value. */
class ProducerBuilderTest {

    private static ProducerBuilder valid() {
        return SecureFirehoseProducer.builder()
                .deliveryStream("orders")
                .region(Region.EU_WEST_1)
                .credentialsProvider(AnonymousCredentialsProvider.create());
    }

    /**
     * Every configuring method of every settings type, with values it must refuse. Each row names the method
     * ({@code Type#method}), the option name its message must carry, the call, and the rule the message must state.
     * {@link #everyConfiguringMethodHasARowOrASaidReason} fails when a method is added without a row here.
     */
    static Stream<Arguments> invalidValues() {
        Path spill = Path.of("spill");
        return Stream.of(
                producer("deliveryStream", b -> b.deliveryStream(""), "1 to 64 characters"),
                producer("deliveryStream", b -> b.deliveryStream("a".repeat(65)), "1 to 64 characters"),
                producer("deliveryStream", b -> b.deliveryStream("has space"), "'has space'"),
                producer("region", b -> b.region("moon-base"), "'moon-base'"),
                producer("vpcEndpoint", b -> b.vpcEndpoint("firehose.example.com"), "vpce-<id>-<suffix>.firehose."),
                producer(
                        "vpcEndpoint",
                        b -> b.vpcEndpoint("vpce-0a1b2c3d-abcdefgh.kinesis.eu-west-1.vpce.amazonaws.com"),
                        "service 'kinesis'"),
                producer("privateDns", b -> b.privateDns("vpc-123"), "vpce-0123456789abcdef0, was 'vpc-123'"),
                producer("allowedCidrs", b -> b.allowedCidrs(), "at least one range"),
                producer("allowedCidrs", b -> b.allowedCidrs("10.0.0.0/8", "nonsense"), "'nonsense'"),
                producer("allowedCidrs", b -> b.allowedCidrs("10.0.0.0/33"), "10.0.0.0/33"),
                producer("endpoint", b -> b.endpoint(URI.create("http://localhost:4573")), "https://"),
                producer("endpoint", b -> b.endpoint(URI.create("https://user@host")), "user info"),
                producer("endpoint", b -> b.endpoint(URI.create("https://host/path")), "path"),
                producer("linger", b -> b.linger(Duration.ofMillis(-1)), "must not be negative"),
                producer("maxBatchRecords", b -> b.maxBatchRecords(0), "between 1 and 500"),
                producer("maxBatchRecords", b -> b.maxBatchRecords(501), "was 501"),
                producer("maxBatchBytes", b -> b.maxBatchBytes(1_023_999), "between 1024000"),
                producer("maxBatchBytes", b -> b.maxBatchBytes(4 * 1024 * 1024 + 1), "was 4194305"),
                producer("maxBufferedBytes", b -> b.maxBufferedBytes(1000), "at least 1024064"),
                producer("maxBlock", b -> b.maxBlock(Duration.ofSeconds(-1)), "must not be negative"),
                producer("maxInFlightRequests", b -> b.maxInFlightRequests(0), "between 1 and 1000"),
                producer("maxInFlightRequests", b -> b.maxInFlightRequests(1001), "was 1001"),
                producer("deliveryTimeout", b -> b.deliveryTimeout(Duration.ZERO), "more than zero"),
                producer("requestTimeout", b -> b.requestTimeout(Duration.ofSeconds(-5)), "more than zero"),
                producer("retryBackoff", b -> b.retryBackoff(Duration.ZERO, Duration.ofSeconds(1)), "more than zero"),
                row(
                        "ProducerBuilder#retryBackoff",
                        "retryBackoffMax",
                        () -> valid().retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)),
                        "at least retryBackoff"),
                row(
                        "AssumeRole#role",
                        "roleArn",
                        () -> AssumeRole.role("arn:aws:iam::1234:role/x"),
                        "12-digit account"),
                role("externalId", r -> r.externalId("x"), "2 to 1224"),
                role("sessionName", r -> r.sessionName("has space"), "'has space'"),
                role("sourceIdentity", r -> r.sourceIdentity("x"), "2 to 64"),
                role("sessionTag", r -> r.sessionTag("", "v"), "1 to 128 characters"),
                role("sessionTag", r -> r.sessionTag("k", "v".repeat(257)), "a value of 257 characters"),
                role("sessionTag", ProducerBuilderTest::fiftyOneTags, "at most 50 session tags"),
                role("duration", r -> r.duration(Duration.ofMinutes(10)), "between 15 minutes and 12 hours"),
                role("duration", r -> r.duration(Duration.ofHours(13)), "PT13H"),
                role("refreshBefore", r -> r.refreshBefore(Duration.ZERO), "more than zero"),
                role("stsEndpoint", r -> r.stsEndpoint(URI.create("http://sts.local")), "https://"),
                role(
                        "stsVpcEndpoint",
                        r -> r.stsVpcEndpoint("vpce-0a1b2c3d-abcdefgh.firehose.us-east-1.vpce.amazonaws.com"),
                        "sts.<region>"),
                role(
                        "sessionPolicyCondition",
                        r -> r.sessionPolicyCondition("Ip Address", "aws:SourceIp", "x"),
                        "IAM operator"),
                row(
                        "EnvelopeEncryption#withKmsKey",
                        "kmsKey",
                        () -> EnvelopeEncryption.withKmsKey("not a key"),
                        "key ARN, key id, alias/<name> or alias ARN"),
                encryption("streamArn", e -> e.streamArn("arn:aws:s3:::bucket"), "deliverystream/<name>"),
                encryption("encryptionContext", e -> e.encryptionContext("", "v"), "must not be empty"),
                encryption("encryptionContext", e -> e.encryptionContext("aws:x", "v"), "KMS reserves"),
                encryption(
                        "encryptionContext",
                        e -> e.encryptionContext(LeastPrivilegePolicies.STREAM_CONTEXT_KEY, "v"),
                        "is reserved: the producer sets it to the stream's ARN"),
                encryption(
                        "encryptionContext",
                        e -> e.encryptionContext("team", "x".repeat(5000)),
                        "more than the 4096 the format allows"),
                encryption("maxRecordsPerDataKey", e -> e.maxRecordsPerDataKey(0), "between 1 and"),
                encryption("maxBytesPerDataKey", e -> e.maxBytesPerDataKey(1000), "was 1000"),
                encryption("maxDataKeyAge", e -> e.maxDataKeyAge(Duration.ZERO), "between 1 second and 24 hours"),
                encryption("maxDataKeyAge", e -> e.maxDataKeyAge(Duration.ofHours(25)), "PT25H"),
                encryption("kmsEndpoint", e -> e.kmsEndpoint(URI.create("http://kms")), "https://"),
                encryption(
                        "kmsVpcEndpoint",
                        e -> e.kmsVpcEndpoint("vpce-0a1b2c3d-abcdefgh.sts.eu-west-1.vpce.amazonaws.com"),
                        "kms.<region>"),
                row(
                        "Spill#maxBytes",
                        "spill maxBytes",
                        () -> Spill.toDirectory(spill).maxBytes(1_000_000),
                        "at least 4194304 (4 MiB), was 1000000"),
                row(
                        "Spill#replayInterval",
                        "spill replayInterval",
                        () -> Spill.toDirectory(spill).replayInterval(Duration.ZERO),
                        "more than zero"),
                row(
                        "Coalescing#maxRecordBytes",
                        "coalescing maxRecordBytes",
                        () -> Coalescing.newlineDelimited().maxRecordBytes(1_023),
                        "between 1024 and 1024000"),
                row(
                        "Coalescing#maxRecordBytes",
                        "coalescing maxRecordBytes",
                        () -> Coalescing.lengthPrefixed().maxRecordBytes(1_024_001),
                        "was 1024001"),
                row("TlsPolicy#named", "TLS policy", () -> TlsPolicy.named("LEGACY"), "use MODERN, TLS13_ONLY or FIPS"),
                row(
                        "TlsPolicy#narrow",
                        "TLS policies may only narrow",
                        () -> TlsPolicy.MODERN.narrow(List.of("TLSv1.1"), List.of("TLS_AES_128_GCM_SHA256")),
                        "protocol 'TLSv1.1'"),
                row(
                        "TlsPolicy#narrow",
                        "TLS policies may only narrow",
                        () -> TlsPolicy.MODERN.narrow(List.of("TLSv1.2"), List.of("TLS_RSA_WITH_AES_128_GCM_SHA256")),
                        "ECDHE key exchange and an AEAD cipher"),
                row(
                        "TlsPolicy#narrow",
                        "TLS policy",
                        () -> TlsPolicy.MODERN.narrow(List.of(), List.of()),
                        "at least one protocol"),
                row(
                        "TrustMaterial#fromPem",
                        "PEM",
                        () -> TrustMaterial.fromPem("not a certificate"),
                        "cannot parse PEM certificates"),
                row(
                        "TrustMaterial#fromPemFile",
                        "trust PEM file",
                        () -> TrustMaterial.fromPemFile(Path.of("no-such-dir", "missing.pem")),
                        "cannot read"),
                row("TrustMaterial#fromKeyStore", "key store", ProducerBuilderTest::emptyKeyStore, "no X.509"));
    }

    /**
     * Configuring methods that take any value but null, with the reason; each refuses null naming itself
     * ({@link #nullIsRefusedByEveryConfiguringMethodNamingTheOption}).
     */
    private static final Map<String, String> ANY_VALUE_BUT_NULL = Map.ofEntries(
            Map.entry("ConnectionOptions#hostResolver", "any resolver; its answers are checked at build"),
            Map.entry("ConnectionOptions#credentialsProvider", "any provider; asked when signing"),
            Map.entry("ConnectionOptions#trustMaterial", "built and checked by TrustMaterial's factories"),
            Map.entry("ConnectionOptions#assumeRole", "built and checked by AssumeRole's builder"),
            Map.entry("ConnectionOptions#webIdentity", "built and checked by WebIdentity's builder (WebIdentityTest)"),
            Map.entry("ConnectionOptions#tlsPolicy", "built and checked by TlsPolicy's factories"),
            Map.entry("ProducerBuilder#envelopeEncryption", "built and checked by EnvelopeEncryption's builder"),
            Map.entry("ProducerBuilder#coalescing", "built and checked by Coalescing"),
            Map.entry("ProducerBuilder#requestPath", "an enum: every constant is valid"),
            Map.entry(
                    "ProducerBuilder#tlsEngine",
                    "an enum: every constant is valid (a missing engine is refused at build())"),
            Map.entry("ProducerBuilder#spill", "built and checked by Spill"),
            Map.entry("ProducerBuilder#scheduler", "any scheduler; the producer does not own it"),
            Map.entry(
                    "ProducerBuilder#serviceFailureListener",
                    "any listener; one that throws is logged and called again (ServiceFailureListenerTest)"),
            Map.entry(
                    "ProducerBuilder#listener",
                    "any listener; one that throws or stalls is logged, counted and never stalls sending"
                            + " (ProducerListenerTest)"),
            Map.entry("ProducerBuilder#tracing", "any tracing from OpenTelemetryTracing.of (OpenTelemetryTracingTest)"),
            Map.entry(
                    "Spill#toDirectory",
                    "any path; one that cannot be created, read or locked is refused at build (ProducerCoreSpillTest)"));

    /** Configuring methods with no invalid value at all. */
    private static final Map<String, String> EVERY_VALUE_VALID = Map.of(
            "ProducerBuilder#rateControl", "a boolean switch",
            "ProducerBuilder#requireServerSideEncryption", "a boolean switch",
            "ConnectionOptions#fipsEnabled", "a boolean switch; a region without FIPS endpoints is FipsEndpointsTest's",
            "ConnectionOptions#dualStackEnabled", "a boolean switch; its endpoints are EndpointVariantsTest's",
            "AssumeRole.Builder#fipsEnabled",
                    "a boolean switch; a region without an STS FIPS endpoint is EndpointVariantsTest's",
            "EnvelopeEncryption.Builder#fipsEnabled",
                    "a boolean switch; a region without a KMS FIPS endpoint is EndpointVariantsTest's");

    /** Public methods that return settings but are not options a user sets, with the reason. */
    private static final Map<String, String> NOT_OPTIONS = Map.of(
            "EnvelopeEncryption#forStream",
            "applied by build() from deliveryStream and region; its conflict is a row of conflictingCombinations",
            "ProducerBuilder#properties",
            "sets the other options from string keys; its refusals are ProducerPropertiesTest's");

    private static final List<Class<?>> SETTINGS_TYPES = List.of(
            ProducerBuilder.class,
            ConnectionOptions.class,
            AssumeRole.class,
            AssumeRole.Builder.class,
            EnvelopeEncryption.class,
            EnvelopeEncryption.Builder.class,
            Spill.class,
            Coalescing.class,
            TlsPolicy.class,
            TrustMaterial.class);

    /** Public methods with parameters that return the type itself or its builder: the options a user sets. */
    private static List<Method> configuringMethods() {
        List<Method> methods = new ArrayList<>();
        for (Class<?> type : SETTINGS_TYPES) {
            for (Method method : type.getDeclaredMethods()) {
                boolean returnsSettings =
                        method.getReturnType() == type || method.getReturnType().getDeclaringClass() == type;
                if (Modifier.isPublic(method.getModifiers())
                        && !method.isSynthetic()
                        && method.getParameterCount() > 0
                        && returnsSettings) {
                    methods.add(method);
                }
            }
        }
        return methods;
    }

    private static String key(Method method) {
        Class<?> type = method.getDeclaringClass();
        String name = type.getEnclosingClass() == null
                ? type.getSimpleName()
                : type.getEnclosingClass().getSimpleName() + "." + type.getSimpleName();
        return name + "#" + method.getName();
    }

    private static Arguments row(String method, String named, ThrowingCallable call, String rule) {
        return Arguments.of(method, named, call, rule);
    }

    /** The options ProducerBuilder inherits from ConnectionOptions (rows are keyed by the declaring type). */
    private static final Set<String> CONNECTION_OPTIONS = Set.of(
            "region",
            "vpcEndpoint",
            "privateDns",
            "allowedCidrs",
            "hostResolver",
            "endpoint",
            "credentialsProvider",
            "webIdentity",
            "trustMaterial",
            "assumeRole",
            "tlsPolicy");

    private static Arguments producer(String option, Consumer<ProducerBuilder> setter, String rule) {
        String owner = CONNECTION_OPTIONS.contains(option) ? "ConnectionOptions#" : "ProducerBuilder#";
        return row(owner + option, option, () -> setter.accept(valid()), rule);
    }

    private static Arguments role(String option, Consumer<AssumeRole.Builder> setter, String rule) {
        return row("AssumeRole.Builder#" + option, option, () -> setter.accept(AssumeRole.role(ROLE)), rule);
    }

    private static Arguments encryption(String option, Consumer<EnvelopeEncryption.Builder> setter, String rule) {
        return row(
                "EnvelopeEncryption.Builder#" + option,
                option,
                () -> setter.accept(EnvelopeEncryption.withKmsKey(KEY_ARN)),
                rule);
    }

    private static void fiftyOneTags(AssumeRole.Builder role) {
        for (int i = 0; i <= 50; i++) {
            role.sessionTag("tag" + i, "v");
        }
    }

    private static void emptyKeyStore() throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        TrustMaterial.fromKeyStore(store);
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
                        "spill without encryption or allowPlaintext",
                        () -> valid().spill(Spill.toDirectory(Path.of("spill"))),
                        "without envelopeEncryption(...) that is plaintext at rest: configure envelope encryption, or"
                                + " accept plaintext with Spill.toDirectory(dir).allowPlaintext()"),
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
                        "envelopeEncryption's streamArn vs deliveryStream",
                        () -> valid().envelopeEncryption(EnvelopeEncryption.withKmsKey(KEY_ARN)
                                .streamArn("arn:aws:firehose:eu-west-1:111122223333:deliverystream/payments")
                                .build()),
                        "does not name delivery stream 'orders' in region eu-west-1"),
                conflict(
                        "assumeRole's refreshBefore vs its duration",
                        () -> valid().assumeRole(AssumeRole.role(ROLE)
                                .duration(Duration.ofMinutes(15))
                                .refreshBefore(Duration.ofMinutes(15))
                                .build()),
                        "refreshBefore (PT15M) must be shorter than duration (PT15M)"),
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
            String combination, java.util.function.Supplier<ProducerBuilder> settings, String rule) {
        return Arguments.of(combination, settings, rule);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conflictingCombinations")
    void conflictingCombinationsAreRefusedAtBuildNamingTheOptionsAndTheRule(
            String combination, java.util.function.Supplier<ProducerBuilder> settings, String rule) {
        // A nested settings type (AssumeRole, EnvelopeEncryption) refuses its own conflicts at its build().
        assertThatThrownBy(() -> settings.get().buildConfig())
                .as(combination)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(rule);
        assertThatThrownBy(() -> settings.get().build()).as(combination).isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest(name = "{0}: {3}")
    @MethodSource("invalidValues")
    void invalidValuesAreRefusedWithTheOptionAndTheRule(
            String method, String named, ThrowingCallable call, String rule) {
        assertThatThrownBy(call)
                .as(method)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(named)
                .hasMessageContaining(rule);
    }

    @Test
    void everyConfiguringMethodHasARowOrASaidReason() {
        Set<String> accounted = new TreeSet<>();
        invalidValues().forEach(row -> accounted.add((String) row.get()[0]));
        accounted.addAll(ANY_VALUE_BUT_NULL.keySet());
        accounted.addAll(EVERY_VALUE_VALID.keySet());
        accounted.addAll(NOT_OPTIONS.keySet());
        Set<String> methods = new TreeSet<>();
        configuringMethods().forEach(method -> methods.add(key(method)));

        assertThat(methods).as("configuring methods found").hasSizeGreaterThan(50);
        assertThat(accounted)
                .as("every configuring method has invalid-value rows or a reason it has none, and nothing else")
                .isEqualTo(methods);
    }

    /** What a method's null refusal must name when that is not the method's own name. */
    private static final Map<String, String> NULL_NAMES = Map.of(
            "AssumeRole#role", "roleArn",
            "EnvelopeEncryption#withKmsKey", "kmsKeyId",
            "Spill#toDirectory", "spill directory",
            "TlsPolicy#named", "name",
            "TlsPolicy#narrow", "protocols",
            "TrustMaterial#fromPem", "pem",
            "TrustMaterial#fromPemFile", "pemFile",
            "TrustMaterial#fromKeyStore", "keyStore");

    @Test
    void nullIsRefusedByEveryConfiguringMethodNamingTheOption() throws Exception {
        int checked = 0;
        for (Method method : configuringMethods()) {
            if (NOT_OPTIONS.containsKey(key(method))
                    || Arrays.stream(method.getParameterTypes()).anyMatch(Class::isPrimitive)) {
                continue;
            }
            Object receiver = Modifier.isStatic(method.getModifiers()) ? null : freshInstanceOf(method);
            Object[] nulls = new Object[method.getParameterCount()];
            String named = NULL_NAMES.getOrDefault(key(method), method.getName());
            assertThatThrownBy(() -> invoke(method, receiver, nulls))
                    .as(key(method))
                    .isInstanceOf(NullPointerException.class)
                    .hasMessageContaining(named);
            checked++;
        }
        assertThat(checked).isGreaterThan(35);
        assertThatThrownBy(() -> valid().allowedCidrs("10.0.0.0/8", null))
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("allowedCidrs");
    }

    private static void invoke(Method method, @Nullable Object receiver, Object[] arguments) throws Throwable {
        try {
            method.invoke(receiver, arguments);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private static Object freshInstanceOf(Method method) {
        Class<?> type = method.getDeclaringClass();
        if (type == ProducerBuilder.class || type == ConnectionOptions.class) {
            return valid();
        } else if (type == AssumeRole.Builder.class) {
            return AssumeRole.role(ROLE);
        } else if (type == EnvelopeEncryption.Builder.class) {
            return EnvelopeEncryption.withKmsKey(KEY_ARN);
        } else if (type == Spill.class) {
            return Spill.toDirectory(Path.of("spill"));
        } else if (type == Coalescing.class) {
            return Coalescing.newlineDelimited();
        } else if (type == TlsPolicy.class) {
            return TlsPolicy.MODERN;
        }
        throw new AssertionError("no instance to call " + key(method) + " on: add one here");
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
        assertThat(config.tlsEngine()).isEqualTo(io.securefirehose.transport.TlsEngine.JDK);
        assertThat(config.rateControl()).isTrue();
        assertThat(valid().rateControl(false).buildConfig().rateControl()).isFalse();
        assertThat(valid().requestPath(RequestPath.SDK_CLIENT).buildConfig().requestPath())
                .isEqualTo(RequestPath.SDK_CLIENT);
        assertThat(config.toString())
                .contains("stream=orders")
                .contains("requestPath=LEAN")
                .contains("tlsEngine=JDK")
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
                .hasMessageContaining("vpce-<id>-<suffix>.firehose.<region>.vpce.<the partition's DNS suffix");
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
    void theVpcEndpointIdIsReadFromItsNameOrGivenWithPrivateDns() {
        assertThat(valid().vpcEndpoint("vpce-0a1b2c3d4e5f67890-abcdefgh.firehose.eu-west-1.vpce.amazonaws.com")
                        .buildConfig()
                        .vpcEndpointId())
                .isEqualTo("vpce-0a1b2c3d4e5f67890");
        assertThat(valid().privateDns("vpce-0a1b2c3d4e5f67890").buildConfig())
                .satisfies(c -> assertThat(c.vpcEndpointId()).isEqualTo("vpce-0a1b2c3d4e5f67890"))
                .satisfies(c -> assertThat(c.endpoint()).hasToString("https://firehose.eu-west-1.amazonaws.com"));
        assertThat(valid().privateDns().buildConfig().vpcEndpointId())
                .as("a private DNS name does not carry the id")
                .isNull();
        assertThat(valid().privateDns("vpce-0a1b2c3d4e5f67890")
                        .privateDns()
                        .buildConfig()
                        .vpcEndpointId())
                .as("the last setting wins")
                .isNull();
        assertThat(valid().buildConfig().vpcEndpointId()).isNull();
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
