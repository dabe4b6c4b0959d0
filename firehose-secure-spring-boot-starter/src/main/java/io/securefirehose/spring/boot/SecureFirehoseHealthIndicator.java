package io.securefirehose.spring.boot;

import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.ProducerConfig;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.metrics.ProducerMetrics;
import io.securefirehose.posture.PostureFinding;
import io.securefirehose.posture.PostureReport;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The producer's health: {@code DOWN} with the reasons when the stream's security posture fails (a {@code FAIL}
 * finding of {@link io.securefirehose.posture.SecurityPosture}, such as server-side encryption off or the stream not
 * active), or when, since the previous check, STS refreshes or KMS calls failed or {@code send} found the buffer
 * exhausted; {@code UP} otherwise. The posture is read from AWS at most once per interval (default one minute) and
 * cached between, so a busy health probe does not call AWS more often; a posture check that cannot be made (no
 * permission to describe the stream) is reported in the details without making the producer {@code DOWN}.
 *
 * <p>Everything else is read from the producer's own meters, bound to a private registry: no I/O. Thread-safe; a
 * check runs on the caller's thread (the health endpoint's), one at a time.
 */
public final class SecureFirehoseHealthIndicator implements HealthIndicator {

    private final SecureFirehoseProducer producer;
    private final Clock clock;
    private final Duration postureInterval;
    private final @Nullable Function<ProducerConfig, PostureReport> postureCheck;
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final Map<String, Double> countsAtLastCheck = new LinkedHashMap<>();
    private @Nullable Instant postureReadAt;
    private @Nullable PostureReport posture;
    private @Nullable String postureError;

    /**
     * @param producer the producer
     * @param clock the clock of the posture cache
     * @param postureInterval how long a posture read is reused
     * @param postureCheck how the posture is read ({@code SecurityPosture::check}), or {@code null} to leave it out
     */
    public SecureFirehoseHealthIndicator(
            SecureFirehoseProducer producer,
            Clock clock,
            Duration postureInterval,
            @Nullable Function<ProducerConfig, PostureReport> postureCheck) {
        this.producer = producer;
        this.clock = clock;
        this.postureInterval = postureInterval;
        this.postureCheck = postureCheck;
        producer.metrics().bindTo(meters);
        for (String counter : COUNTERS.keySet()) {
            countsAtLastCheck.put(counter, sum(counter));
        }
    }

    /** The counters whose growth since the last check makes the producer DOWN, with what it means, in order. */
    private static final Map<String, String> COUNTERS = counters();

    private static Map<String, String> counters() {
        Map<String, String> counters = new LinkedHashMap<>();
        counters.put(ProducerMetrics.PREFIX + "credentials.refresh.failures", "credentials: STS refreshes failed");
        counters.put(ProducerMetrics.PREFIX + "kms.failures", "encryption: KMS calls failed");
        counters.put(
                ProducerMetrics.PREFIX + "buffer.exhausted",
                "buffer: send calls found the buffer exhausted for maxBlock");
        return java.util.Collections.unmodifiableMap(counters);
    }

    @Override
    public synchronized Health health() {
        ProducerConfig config = producer.config();
        List<String> reasons = new ArrayList<>();
        for (Map.Entry<String, String> counter : COUNTERS.entrySet()) {
            double now = sum(counter.getKey());
            double before = countsAtLastCheck.getOrDefault(counter.getKey(), 0.0);
            if (now > before) {
                reasons.add(counter.getValue() + " " + (long) (now - before) + " time(s) since the last check");
            }
            countsAtLastCheck.put(counter.getKey(), now);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("stream", config.deliveryStreamName());
        details.put("endpoint", config.firehoseEndpoint().toString());
        details.put("bufferedBytes", (long) sum(ProducerMetrics.PREFIX + "buffered.bytes"));
        details.put("maxBufferedBytes", config.maxBufferedBytes());
        if (postureCheck != null) {
            readPostureIfStale(config, postureCheck);
            PostureReport report = posture;
            if (report != null) {
                Map<String, String> findings = new LinkedHashMap<>();
                for (PostureFinding finding : report.findings()) {
                    findings.put(finding.id(), finding.level().name());
                    if (finding.level() == PostureFinding.Level.FAIL) {
                        reasons.add("posture: " + finding);
                    }
                }
                details.put("posture", findings);
            }
            if (postureError != null) {
                details.put("postureUnavailable", postureError);
            }
        }
        Health.Builder health = reasons.isEmpty() ? Health.up() : Health.down();
        if (!reasons.isEmpty()) {
            details.put("reasons", reasons);
        }
        return health.withDetails(details).build();
    }

    private void readPostureIfStale(ProducerConfig config, Function<ProducerConfig, PostureReport> check) {
        Instant now = clock.instant();
        Instant readAt = postureReadAt;
        if (readAt != null && now.isBefore(readAt.plus(postureInterval))) {
            return;
        }
        postureReadAt = now;
        try {
            posture = check.apply(config);
            postureError = null;
        } catch (RuntimeException e) {
            posture = null;
            postureError = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
    }

    /** The sum of the first measurement of every meter of that name: a counter's count, a gauge's value. */
    private double sum(String name) {
        double total = 0;
        for (Meter meter : meters.find(name).meters()) {
            for (Measurement measurement : meter.measure()) {
                total += measurement.getValue();
                break;
            }
        }
        return total;
    }
}
