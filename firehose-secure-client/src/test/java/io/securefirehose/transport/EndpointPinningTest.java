package io.securefirehose.transport;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.RequestPath;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestTlsEngine;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseExtension;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The endpoint's addresses: verified against the allowed ranges when the producer is built, and every connection
 * pinned to them. The refusal of a changed DNS answer goes through the real connection path: the SDK's Netty
 * client resolves {@code localhost} itself and our socket channel refuses the address before connecting.
 */
class EndpointPinningTest {

    @RegisterExtension
    static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("pinned"));

    private final List<SecureFirehoseProducer> producers = new ArrayList<>();

    @AfterEach
    void closeAll() {
        producers.forEach(p -> p.close(Duration.ZERO));
    }

    private static ProducerBuilder toLocal(LocalFirehose server) {
        return SecureFirehoseProducer.builder()
                .deliveryStream("pinned")
                .region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .tlsEngine(TestTlsEngine.configured())
                .linger(Duration.ZERO);
    }

    private SecureFirehoseProducer build(LocalFirehose server, UnaryOperator<ProducerBuilder> settings) {
        SecureFirehoseProducer producer = settings.apply(toLocal(server)).build();
        producers.add(producer);
        return producer;
    }

    private static double refusedAddresses(SimpleMeterRegistry registry) {
        return registry.get("firehose.producer.security.events")
                .tag("event", "endpoint_address_refused")
                .functionCounter()
                .count();
    }

    private static HostResolver resolvingTo(String... addresses) {
        return host -> {
            List<InetAddress> list = new ArrayList<>();
            for (String address : addresses) {
                list.add(InetAddress.getByName(address));
            }
            return list;
        };
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void addressesInsideTheAllowedRangesAreVerifiedAndUsed(RequestPath path, LocalFirehose server) throws Exception {
        SecureFirehoseProducer producer = build(server, b -> b.requestPath(path).allowedCidrs("127.0.0.0/8"));
        RecordReceipt receipt = producer.send("pinned".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertThat(receipt.recordId()).isEqualTo(server.records("pinned").get(0).recordId());
        assertThat(producer.config().allowedCidrs()).containsExactly(CidrRange.parse("127.0.0.0/8"));
    }

    @Test
    void buildRefusesAnEndpointThatResolvesOutsideTheAllowedRanges(LocalFirehose server) {
        assertThatThrownBy(() -> toLocal(server)
                        .allowedCidrs("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7")
                        .hostResolver(resolvingTo("10.0.3.7", "54.239.20.1"))
                        .build())
                .isInstanceOf(EndpointPolicyViolationException.class)
                .hasMessageContaining("localhost resolves to [10.0.3.7, 54.239.20.1]")
                .hasMessageContaining("[54.239.20.1] lie outside the allowed ranges [10.0.0.0/8, 172.16.0.0/12,"
                        + " 192.168.0.0/16, fc00::/7]");
        assertThat(server.connectionsAccepted()).isZero();
    }

    @Test
    void loopbackIsNotPrivate(LocalFirehose server) {
        assertThatThrownBy(() -> toLocal(server).allowedCidrs("10.0.0.0/8").build())
                .isInstanceOf(EndpointPolicyViolationException.class)
                .hasMessageContaining("127.0.0.1")
                .hasMessageContaining("loopback is not private");
    }

    @Test
    void aNameThatDoesNotResolveIsRefusedAtBuild(LocalFirehose server) {
        assertThatThrownBy(() -> toLocal(server)
                        .allowedCidrs("127.0.0.0/8")
                        .hostResolver(host -> {
                            throw new java.net.UnknownHostException(host + ": no such host");
                        })
                        .build())
                .isInstanceOf(EndpointPolicyViolationException.class)
                .hasMessageContaining("does not resolve");
    }

    @ParameterizedTest(name = "on the {0} path")
    @EnumSource(RequestPath.class)
    void aDnsAnswerThatChangedAfterStartIsRefusedBeforeConnecting(RequestPath path, LocalFirehose server)
            throws Exception {
        // Verified and pinned at build: localhost is 127.0.0.2. At connect time the JVM's resolver says 127.0.0.1,
        // where the server listens.
        SecureFirehoseProducer producer = build(
                server, b -> b.requestPath(path).allowedCidrs("127.0.0.0/8").hostResolver(resolvingTo("127.0.0.2")));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        producer.metrics().bindTo(registry);
        CompletableFuture<RecordReceipt> future = producer.send("must not leave".getBytes(UTF_8));

        assertThatThrownBy(() -> future.get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause()
                .isInstanceOfSatisfying(EndpointPolicyViolationException.class, e -> {
                    assertThat(e.isRetriable()).isFalse();
                    assertThat(e.getMessage())
                            .contains("resolved to 127.0.0.1")
                            .contains("not one of the addresses verified at start [127.0.0.2]");
                });
        assertThat(server.connectionsAccepted())
                .as("the server saw no connection at all")
                .isZero();
        assertThat(server.applicationBytesReceived()).isZero();
        assertThat(refusedAddresses(registry)).as("one attempt, refused once").isEqualTo(1);
        Path log = Path.of(System.getProperty("org.slf4j.simpleLogger.logFile", "target/test-logs.txt"));
        assertThat(Files.readString(log))
                .contains("io.securefirehose.security")
                .contains("refused connection to localhost at 127.0.0.1");
    }

    @Test
    void aRefusedKmsAddressIsCountedInTheProducersSecurityEvents() throws Exception {
        try (LocalFirehose server = LocalFirehose.builder().stream("pinned")
                .kmsKey("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")
                .start()) {
            // KMS is reached through an endpoint override, so it follows the producer's address rules: pinned to
            // 127.0.0.2, while the JVM's resolver says 127.0.0.1 when KMS is first called.
            SecureFirehoseProducer producer = build(
                    server,
                    b -> b.allowedCidrs("127.0.0.0/8")
                            .hostResolver(resolvingTo("127.0.0.2"))
                            .requestTimeout(Duration.ofSeconds(1))
                            .deliveryTimeout(Duration.ofSeconds(2))
                            .envelopeEncryption(EnvelopeEncryption.withKmsKey(
                                            server.kmsKeyArn("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"))
                                    .streamArn(server.streamArn("pinned"))
                                    .kmsEndpoint(server.endpoint())
                                    .build()));
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            producer.metrics().bindTo(registry);

            assertThatThrownBy(() ->
                            producer.send("must not leave".getBytes(UTF_8)).get(30, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(EndpointPolicyViolationException.class)
                    .rootCause()
                    .hasMessageContaining("not one of the addresses verified at start [127.0.0.2]");
            assertThat(server.kmsRequests()).isEmpty();
            assertThat(server.applicationBytesReceived()).isZero();
            assertThat(refusedAddresses(registry)).isGreaterThanOrEqualTo(1);
        }
    }
}
