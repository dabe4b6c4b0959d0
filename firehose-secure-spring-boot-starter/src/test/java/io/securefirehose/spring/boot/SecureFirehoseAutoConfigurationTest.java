package io.securefirehose.spring.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.securefirehose.ProducerBuilder;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.listener.CallFinished;
import io.securefirehose.listener.CallOutcome;
import io.securefirehose.listener.CallStarted;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.testkit.LocalFirehose;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/**
 * The auto-configuration through {@link ApplicationContextRunner}: when it applies, how the properties bind (relaxed
 * forms from properties and from the environment), what stops the start, customizers, a user's own producer, the
 * meters, the health indicator's presence and the close at shutdown. A real producer against {@link LocalFirehose}.
 */
class SecureFirehoseAutoConfigurationTest {

    @TempDir
    static Path dir;

    private static LocalFirehose server;
    private static String trustPem;

    @BeforeAll
    static void start() {
        server = LocalFirehose.builder().stream("orders").start();
        trustPem = server.writeTrustPem(dir.resolve("local-ca.pem")).toString();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The properties a producer needs to reach the local endpoint; credentials come from a customizer. */
    private static ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SecureFirehoseAutoConfiguration.class))
                .withBean(
                        "localCredentials",
                        SecureFirehoseProducerCustomizer.class,
                        () -> builder -> builder.credentialsProvider(server.credentialsProvider()))
                .withPropertyValues(
                        "firehose.secure.stream=orders",
                        "firehose.secure.region=" + server.region(),
                        "firehose.secure.endpoint=" + server.endpoint(),
                        "firehose.secure.trust-pem=" + trustPem,
                        "firehose.secure.health.posture-check=false");
    }

    @Test
    void withoutTheStreamPropertyThereIsNoProducer() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SecureFirehoseAutoConfiguration.class))
                .withPropertyValues("firehose.secure.region=eu-west-1")
                .run(context -> assertThat(context).doesNotHaveBean(SecureFirehoseProducer.class));
    }

    @Test
    void theKeysBindInRelaxedFormsFromPropertiesAndTheEnvironment() {
        runner().withPropertyValues("firehose.secure.maxBatchRecords=100", "firehose.secure.max-buffered-bytes=64MiB")
                .withInitializer(context -> context.getEnvironment()
                        .getPropertySources()
                        .addLast(new SystemEnvironmentPropertySource(
                                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                                Map.of("FIREHOSE_SECURE_LINGER", "20ms", "FIREHOSE_SECURE_RATECONTROL", "false"))))
                .run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(SecureFirehoseProducer.class);
                    var config = context.getBean(SecureFirehoseProducer.class).config();
                    assertThat(config.maxBatchRecords()).isEqualTo(100);
                    assertThat(config.maxBufferedBytes()).isEqualTo(64L << 20);
                    assertThat(config.linger()).isEqualTo(Duration.ofMillis(20));
                    assertThat(config.rateControl()).isFalse();
                    assertThat(config.endpoint()).isEqualTo(server.endpoint());
                });
    }

    @Test
    void aBadValueStopsTheStartNamingTheKeyTheValueAndWhatIsAccepted() {
        runner().withPropertyValues("firehose.secure.linger=5 sec")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining("firehose.secure.*: property 'linger' = '5 sec': not a duration"));
    }

    @Test
    void anUnknownKeyStopsTheStartWithTheClosestKnownOne() {
        runner().withPropertyValues("firehose.secure.lingr=5ms")
                .run(context -> assertThat(context)
                        .hasFailed()
                        .getFailure()
                        .hasStackTraceContaining(
                                "firehose.secure.*: unknown property 'lingr' (did you mean 'linger'?)"));
        runner().withPropertyValues("firehose.secure.health.posture-interval=2m")
                .run(context -> assertThat(context).as("the starter's own keys").hasNotFailed());
    }

    @Test
    void customizersRunAfterThePropertiesInTheirOrder() {
        List<String> calls = new ArrayList<>();
        runner().withPropertyValues("firehose.secure.max-in-flight-requests=2")
                .withBean("second", SecureFirehoseProducerCustomizer.class, () -> new Second(calls))
                .withBean("first", SecureFirehoseProducerCustomizer.class, () -> new First(calls))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    assertThat(calls).containsExactly("first", "second");
                    assertThat(context.getBean(SecureFirehoseProducer.class)
                                    .config()
                                    .maxInFlightRequests())
                            .as("a customizer overrides the property")
                            .isEqualTo(4);
                });
    }

    @Order(1)
    private record First(List<String> calls) implements SecureFirehoseProducerCustomizer {
        @Override
        public void customize(ProducerBuilder builder) {
            assertThat(builder.buildConfig().maxInFlightRequests())
                    .as("properties first")
                    .isEqualTo(2);
            calls.add("first");
        }
    }

    @Order(2)
    private record Second(List<String> calls) implements SecureFirehoseProducerCustomizer {
        @Override
        public void customize(ProducerBuilder builder) {
            builder.maxInFlightRequests(4);
            calls.add("second");
        }
    }

    @Test
    void anApplicationsProducerListenerBeanHearsTheProducersCalls() {
        List<Object> heard = new CopyOnWriteArrayList<>();
        runner().withBean(ProducerListener.class, () -> new ProducerListener() {
                    @Override
                    public void callStarted(CallStarted call) {
                        heard.add(call);
                    }

                    @Override
                    public void callFinished(CallFinished call) {
                        heard.add(call.outcome());
                    }
                })
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    SecureFirehoseProducer producer = context.getBean(SecureFirehoseProducer.class);
                    producer.send("heard".getBytes(UTF_8));
                    producer.flush();
                    producer.close(); // hands the listener what is queued before it returns
                    assertThat(heard).hasSize(2);
                    assertThat(heard.get(0)).isInstanceOf(CallStarted.class);
                    assertThat(heard.get(1)).isEqualTo(CallOutcome.SUCCESS);
                });
    }

    @Test
    void anApplicationsOwnProducerIsKept() {
        runner().withBean(
                        "mine",
                        SecureFirehoseProducer.class,
                        () -> SecureFirehoseProducer.builder()
                                .deliveryStream("mine")
                                .region(server.region())
                                .endpoint(server.endpoint())
                                .credentialsProvider(server.credentialsProvider())
                                .build())
                .run(context -> {
                    assertThat(context).hasSingleBean(SecureFirehoseProducer.class);
                    assertThat(context.getBean(SecureFirehoseProducer.class)
                                    .config()
                                    .deliveryStreamName())
                            .isEqualTo("mine");
                });
    }

    @Test
    void theProducersMetersAreBoundToTheApplicationsRegistry() {
        runner().withConfiguration(AutoConfigurations.of(
                        MetricsAutoConfiguration.class, SimpleMetricsExportAutoConfiguration.class))
                .run(context -> {
                    assertThat(context).hasNotFailed();
                    MeterRegistry registry = context.getBean(MeterRegistry.class);
                    context.getBean(SecureFirehoseProducer.class)
                            .send("metered".getBytes(UTF_8))
                            .get(30, TimeUnit.SECONDS);
                    // The meters count a call's records right after its futures complete, on the sender thread.
                    await().atMost(Duration.ofSeconds(30))
                            .untilAsserted(() -> assertThat(registry.get("firehose.producer.records.sent")
                                            .tag("stream", "orders")
                                            .counter()
                                            .count())
                                    .isEqualTo(1.0));
                });
    }

    @Test
    void theHealthIndicatorIsThereUnlessTurnedOff() {
        runner().run(context -> assertThat(context)
                .hasBean("firehoseHealthIndicator")
                .hasSingleBean(SecureFirehoseHealthIndicator.class));
        runner().withPropertyValues("management.health.firehose.enabled=false")
                .run(context -> assertThat(context).doesNotHaveBean(SecureFirehoseHealthIndicator.class));
    }

    @Test
    void theHealthIsDownForAnUnprotectedStreamAndUpWithoutThePostureCheck() {
        // LocalFirehose's streams are unprotected unless given a posture: server-side encryption off.
        runner().withPropertyValues("firehose.secure.health.posture-check=true").run(context -> {
            var health = context.getBean(SecureFirehoseHealthIndicator.class).health();
            assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
            assertThat(health.getDetails().get("reasons").toString()).contains("posture: FAIL sse-enabled");
        });
        runner().run(context -> assertThat(context.getBean(SecureFirehoseHealthIndicator.class)
                        .health()
                        .getStatus()
                        .getCode())
                .isEqualTo("UP"));
    }

    @Test
    void closingTheContextDeliversWhatWasAcceptedBeforeIt() {
        long before = server.acceptedRecordCount("orders");
        runner().withPropertyValues(
                        "firehose.secure.linger=1h",
                        "firehose.secure.delivery-timeout=2h",
                        "spring.lifecycle.timeout-per-shutdown-phase=20s")
                .run(context -> {
                    var future = context.getBean(SecureFirehoseProducer.class).send("last words".getBytes(UTF_8));
                    assertThat(future).as("waits for the linger").isNotDone();
                    context.close();
                    assertThat(future).as("the close flushed it").isCompleted();
                });
        assertThat(server.acceptedRecordCount("orders")).isEqualTo(before + 1);
    }

    /** Stops after the producer's shutdown phase, and records what a send met then. */
    private static final class LaterPhase
            implements org.springframework.context.SmartLifecycle, org.springframework.context.ApplicationContextAware {
        private final List<String> seen;
        private org.springframework.context.ApplicationContext context;
        private boolean running;

        LaterPhase(List<String> seen) {
            this.seen = seen;
        }

        @Override
        public void setApplicationContext(org.springframework.context.ApplicationContext context) {
            this.context = context;
        }

        @Override
        public void start() {
            running = true;
        }

        @Override
        public void stop() {
            running = false;
            try {
                context.getBean(SecureFirehoseProducer.class).send("after".getBytes(UTF_8));
                seen.add("open");
            } catch (IllegalStateException closed) {
                seen.add("closed");
            }
        }

        @Override
        public boolean isRunning() {
            return running;
        }

        @Override
        public int getPhase() {
            return ProducerShutdown.PHASE - 1;
        }
    }

    @Test
    void theProducerIsClosedInItsShutdownPhaseBeforeLaterPhasesStop() {
        List<String> seen = new ArrayList<>();
        runner().withBean("laterPhase", LaterPhase.class, () -> new LaterPhase(seen))
                .run(context -> context.close());
        assertThat(seen).containsExactly("closed");
    }

    @Test
    void aRecordStillUnansweredWhenThePhaseEndsFailsWithATypedCause() throws Exception {
        server.pauseResponses();
        try {
            runner().withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=3s")
                    .run(context -> {
                        var future =
                                context.getBean(SecureFirehoseProducer.class).send("unanswered".getBytes(UTF_8));
                        context.close();
                        assertThat(future)
                                .as("closed within the phase: 3 s less one")
                                .isCompletedExceptionally()
                                .failsWithin(Duration.ZERO)
                                .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                                .withCauseInstanceOf(io.securefirehose.errors.ProducerClosedException.class);
                    });
        } finally {
            server.resumeResponses();
        }
    }
}
