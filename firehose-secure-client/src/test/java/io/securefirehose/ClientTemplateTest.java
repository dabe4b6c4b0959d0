package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.records.Coalescing;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * A client's settings are a copy of its builder's, every field of them, and a stream's configuration is those
 * settings with the stream's name and overrides.
 */
class ClientTemplateTest {

    /** Every field {@link ClientTemplate#copy} copies; a new builder field fails here until it is copied too. */
    private static final Set<String> COPIED = Set.of(
            "region",
            "endpoint",
            "vpcEndpointRegion",
            "privateDnsEndpointId",
            "pinAddresses",
            "allowedCidrs",
            "hostResolver",
            "connectPortForTests",
            "assumeRole",
            "credentialsProvider",
            "webIdentity",
            "trustMaterial",
            "tlsPolicy",
            "fipsEnabled",
            "dualStackEnabled",
            "deliveryStreamName",
            "linger",
            "maxBatchRecords",
            "maxBatchBytes",
            "maxBufferedBytes",
            "maxBlock",
            "maxInFlightRequests",
            "deliveryTimeout",
            "requestTimeout",
            "retryBackoff",
            "retryBackoffMax",
            "scheduler",
            "serviceFailureListener",
            "listener",
            "tracing",
            "encryption",
            "requireServerSideEncryption",
            "coalescing",
            "requestPath",
            "tlsEngine",
            "rateControl",
            "spill");

    @Test
    void theCopyTakesEveryFieldOfTheBuilder() throws Exception {
        Set<String> fields = Stream.concat(
                        Arrays.stream(ProducerBuilder.class.getDeclaredFields()),
                        Arrays.stream(ConnectionOptions.class.getDeclaredFields()))
                .filter(field -> !Modifier.isStatic(field.getModifiers()) && !field.isSynthetic())
                .map(Field::getName)
                .collect(Collectors.toSet());
        assertThat(fields).containsExactlyInAnyOrderElementsOf(COPIED);

        ProducerBuilder original = settings().maxInFlightRequests(3).requestTimeout(Duration.ofSeconds(7));
        ProducerBuilder copy = ClientTemplate.copy(original);
        for (String name : COPIED) {
            Field field = field(name);
            field.setAccessible(true);
            assertThat(field.get(copy)).as(name).isEqualTo(field.get(original));
        }
    }

    @Test
    void aStreamsConfigurationIsTheClientsWithTheStreamsNameAndOverrides(@TempDir Path spill) {
        ProducerBuilder builder = settings()
                .linger(Duration.ofMillis(20))
                .maxInFlightRequests(3)
                .spill(Spill.toDirectory(spill).allowPlaintext());
        ClientTemplate template = ClientTemplate.of(builder);
        builder.linger(Duration.ofSeconds(1)); // later changes to the builder do not reach the client

        ProducerConfig plain = template.streamConfig("orders", StreamOptions.DEFAULTS);
        ProducerConfig tuned = template.streamConfig(
                "clicks",
                StreamOptions.builder()
                        .linger(Duration.ofMillis(200))
                        .maxBatchRecords(100)
                        .coalescing(Coalescing.newlineDelimited())
                        .build());

        assertThat(plain.deliveryStreamName()).isEqualTo("orders");
        assertThat(plain.linger()).isEqualTo(Duration.ofMillis(20));
        assertThat(plain.maxInFlightRequests()).isEqualTo(3);
        assertThat(plain.spill().directory()).isEqualTo(spill.resolve("orders"));
        assertThat(plain.coalescing()).isNull();
        assertThat(tuned.linger()).isEqualTo(Duration.ofMillis(200));
        assertThat(tuned.maxBatchRecords()).isEqualTo(100);
        assertThat(tuned.coalescing()).isNotNull();
        assertThat(tuned.spill().directory()).isEqualTo(spill.resolve("clicks"));
        assertThat(template.clientConfig().deliveryStreamName()).isEqualTo(ClientTemplate.SETTINGS_STREAM);
    }

    private static ProducerBuilder settings() {
        return SecureFirehoseProducer.builder()
                .region("eu-west-1")
                .credentialsProvider(AnonymousCredentialsProvider.create());
    }

    private static Field field(String name) throws NoSuchFieldException {
        try {
            return ProducerBuilder.class.getDeclaredField(name);
        } catch (NoSuchFieldException inherited) {
            return ConnectionOptions.class.getDeclaredField(name);
        }
    }
}
