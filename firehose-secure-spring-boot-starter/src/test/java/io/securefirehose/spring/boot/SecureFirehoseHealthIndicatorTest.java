package io.securefirehose.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.ProducerConfig;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.posture.PostureReport;
import io.securefirehose.posture.SecurityPosture;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.StreamPosture;
import io.securefirehose.transport.TrustMaterial;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/**
 * The health indicator against {@link LocalFirehose}: the stream's posture (real {@link SecurityPosture} checks of a
 * compliant and an unprotected stream), read at most once per interval on an injected clock, and the producer's own
 * failures since the last check.
 */
class SecureFirehoseHealthIndicatorTest {

    private static final String KEY = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private static LocalFirehose server;
    private SecureFirehoseProducer producer;

    @BeforeAll
    static void start() {
        LocalFirehose probe = LocalFirehose.builder().kmsKey(KEY).start();
        String keyArn = probe.kmsKeyArn(KEY);
        probe.close();
        server = LocalFirehose.builder().kmsKey(KEY).stream("good", StreamPosture.compliant(keyArn)).stream(
                        "bad", StreamPosture.unprotected())
                .start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeProducer() {
        if (producer != null) {
            producer.close(Duration.ZERO);
        }
    }

    private SecureFirehoseProducer producer(String stream) {
        producer = SecureFirehoseProducer.builder()
                .deliveryStream(stream)
                .region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                .build();
        return producer;
    }

    /** A clock the test moves. */
    private static final class MovableClock extends Clock {
        private Instant now = Instant.parse("2026-12-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void upWhileThePosturePassesAndReadOncePerInterval() {
        MovableClock clock = new MovableClock();
        AtomicInteger reads = new AtomicInteger();
        Function<ProducerConfig, PostureReport> counted = config -> {
            reads.incrementAndGet();
            return SecurityPosture.check(config);
        };
        SecureFirehoseHealthIndicator indicator =
                new SecureFirehoseHealthIndicator(producer("good"), clock, Duration.ofMinutes(1), counted);

        Health first = indicator.health();
        indicator.health();
        clock.advance(Duration.ofSeconds(59));
        indicator.health();

        assertThat(first.getStatus()).isEqualTo(Status.UP);
        assertThat(first.getDetails()).containsEntry("stream", "good").containsKey("posture");
        assertThat(reads).as("three probes within a minute, one read").hasValue(1);
        clock.advance(Duration.ofSeconds(1));
        indicator.health();
        assertThat(reads).hasValue(2);
    }

    @Test
    void downWithTheFindingWhenThePostureFails() {
        SecureFirehoseHealthIndicator indicator = new SecureFirehoseHealthIndicator(
                producer("bad"), new MovableClock(), Duration.ofMinutes(1), SecurityPosture::check);

        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails().get("reasons"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .anySatisfy(reason -> assertThat((String) reason).startsWith("posture: FAIL"));
    }

    @Test
    void aPostureThatCannotBeReadIsShownWithoutGoingDown() {
        SecureFirehoseHealthIndicator indicator = new SecureFirehoseHealthIndicator(
                producer("good"), new MovableClock(), Duration.ofMinutes(1), config -> {
                    throw new IllegalStateException("AccessDeniedException: not allowed to describe");
                });

        Health health = indicator.health();

        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails().get("postureUnavailable").toString()).contains("not allowed to describe");
    }

    @Test
    void downWhenStsRefreshesFailedSinceTheLastCheck() {
        producer = SecureFirehoseProducer.builder()
                .deliveryStream("good")
                .region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(TrustMaterial.fromPem(server.trustPem()))
                // A role the local STS does not know: every refresh is refused.
                .assumeRole(AssumeRole.role("arn:aws:iam::000000000000:role/unknown")
                        .stsEndpoint(server.endpoint())
                        .build())
                .build();
        SecureFirehoseHealthIndicator indicator =
                new SecureFirehoseHealthIndicator(producer, new MovableClock(), Duration.ofMinutes(1), null);

        Health[] last = new Health[1];
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> {
            last[0] = indicator.health();
            return last[0].getStatus().equals(Status.DOWN);
        });
        assertThat(last[0].getDetails().get("reasons").toString()).contains("credentials: STS refreshes failed");
        assertThat(last[0].getDetails()).as("no posture check asked for").doesNotContainKey("posture");
        assertThat(server.assumeRoleRequests()).isNotEmpty();
    }

    @Test
    void theDetailsNameTheBufferAndTheEndpoint() {
        Health health = new SecureFirehoseHealthIndicator(
                        producer("good"), new MovableClock(), Duration.ofMinutes(1), null)
                .health();
        assertThat(health.getDetails())
                .containsEntry("endpoint", server.endpoint().toString())
                .containsEntry("bufferedBytes", 0L)
                .containsEntry("maxBufferedBytes", 32L << 20);
    }
}
