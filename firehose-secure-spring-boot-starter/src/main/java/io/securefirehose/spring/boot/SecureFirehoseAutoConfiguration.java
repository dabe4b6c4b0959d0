package io.securefirehose.spring.boot;

import io.micrometer.core.instrument.binder.MeterBinder;
import io.securefirehose.ProducerBuilder;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.posture.SecurityPosture;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Auto-configures one {@link SecureFirehoseProducer} from the {@code firehose.secure.*} properties when
 * {@code firehose.secure.stream} is set (unless the application defines its own producer bean): the keys of
 * {@code docs/configuration.md}, in Spring's relaxed forms, the application's {@link ProducerListener} bean if it has
 * one, then every {@link SecureFirehoseProducerCustomizer}.
 * A bad key or value stops the application's start with the key, the value and what is accepted. Beside it: the
 * producer's meters bound to the application's registries, a health indicator ({@code firehose}) and a graceful
 * close in Spring's shutdown phase. The producer is built on the thread that refreshes the context.
 */
@AutoConfiguration
@ConditionalOnClass(SecureFirehoseProducer.class)
@ConditionalOnProperty(prefix = FirehoseSecureProperties.PREFIX, name = "stream")
public class SecureFirehoseAutoConfiguration {

    /** Creates the configuration; Spring calls it. */
    public SecureFirehoseAutoConfiguration() {}

    /**
     * @param environment where the {@code firehose.secure.*} properties are read
     * @param listener the application's {@link ProducerListener} bean, if it has exactly one: set before the
     *     customizers, which may replace it
     * @param customizers applied after the properties
     * @return the producer; closed by Spring's shutdown (and, at the latest, when the context closes)
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public SecureFirehoseProducer secureFirehoseProducer(
            Environment environment,
            ObjectProvider<ProducerListener> listener,
            ObjectProvider<SecureFirehoseProducerCustomizer> customizers) {
        Map<String, String> properties = FirehoseSecureProperties.read(environment);
        ProducerBuilder builder = SecureFirehoseProducer.builder();
        try {
            builder.properties(properties);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(FirehoseSecureProperties.PREFIX + ".*: " + e.getMessage(), e);
        }
        listener.ifUnique(builder::listener);
        customizers.orderedStream().forEach(customizer -> customizer.customize(builder));
        return builder.build();
    }

    /**
     * @param producer the producer
     * @param environment where {@code spring.lifecycle.timeout-per-shutdown-phase} is read (default 30 s)
     * @return the lifecycle that closes the producer gracefully
     */
    @Bean
    public SmartLifecycle secureFirehoseProducerShutdown(SecureFirehoseProducer producer, Environment environment) {
        Duration phase = setting(
                environment, "spring.lifecycle.timeout-per-shutdown-phase", Duration.class, Duration.ofSeconds(30));
        // Leave a second of the phase for the close itself to finish failing what is left.
        Duration timeout = phase.compareTo(Duration.ofSeconds(2)) > 0 ? phase.minusSeconds(1) : phase;
        return new ProducerShutdown(producer, timeout);
    }

    /**
     * @param producer the producer
     * @return its meters, bound by Spring Boot to every registry of the application
     */
    @Bean
    @ConditionalOnClass(MeterBinder.class)
    public MeterBinder secureFirehoseProducerMeters(SecureFirehoseProducer producer) {
        return registry -> producer.metrics().bindTo(registry);
    }

    /** The health indicator, where Spring Boot's health support is present and it is not turned off. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(HealthIndicator.class)
    @ConditionalOnEnabledHealthIndicator("firehose")
    static class Health {

        /**
         * @param producer the producer
         * @param environment where {@code firehose.secure.health.posture-check} (default true) and
         *     {@code firehose.secure.health.posture-interval} (default 1m) are read
         * @return the indicator, named {@code firehose}
         */
        @Bean(name = "firehoseHealthIndicator")
        @ConditionalOnMissingBean(name = "firehoseHealthIndicator")
        SecureFirehoseHealthIndicator firehoseHealthIndicator(
                SecureFirehoseProducer producer, Environment environment) {
            boolean posture =
                    setting(environment, FirehoseSecureProperties.HEALTH + ".posture-check", Boolean.class, true);
            Duration interval = setting(
                    environment,
                    FirehoseSecureProperties.HEALTH + ".posture-interval",
                    Duration.class,
                    Duration.ofMinutes(1));
            return new SecureFirehoseHealthIndicator(
                    producer, Clock.systemUTC(), interval, posture ? SecurityPosture::check : null);
        }
    }

    /** A setting in Spring's forms ({@code 30s}, {@code PT30S}), or the default when it is not set. */
    static <T> T setting(Environment environment, String name, Class<T> type, T defaultValue) {
        BindResult<T> bound = Binder.get(environment).bind(name, type);
        return bound.isBound() ? bound.get() : defaultValue;
    }
}
