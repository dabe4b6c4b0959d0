package io.securefirehose.metrics;

import static org.apiguardian.api.API.Status.STABLE;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.apiguardian.api.API;

/**
 * A producer's Micrometer meters, read-only: bind them to a registry with {@link #bindTo(MeterRegistry)}. Every
 * meter is named {@code firehose.producer.*} ({@link #PREFIX}), tagged {@code stream=<delivery stream name>}, and
 * listed with its unit and tags in {@code docs/metrics.md}. Only the producer records into them.
 *
 * <p>Meters are updated once per request or batch on the producer's scheduler thread, never per record on the
 * caller's thread, so an unbound producer pays next to nothing. They are created when the first registry is bound
 * (what happened before is not recorded), so bind right after {@code build()}. Binding to several registries is
 * allowed. The meters stay registered after the producer closes, so that the final counts (records failed by the
 * close included) can still be read or scraped; {@link #close()} removes them from every bound registry.
 *
 * <p>Thread-safe: {@code bindTo} and {@code close} may be called from any thread.
 */
@API(status = STABLE, since = "0.1.0")
public interface ProducerMetrics extends MeterBinder, AutoCloseable {

    /** Prefix of every meter name. */
    String PREFIX = "firehose.producer.";

    /**
     * Registers the producer's meters with {@code registry}; from now on they report to it as well.
     *
     * @param registry the registry to report to
     */
    @Override
    void bindTo(MeterRegistry registry);

    /** Removes this producer's meters from every bound registry. Call it after the producer closed, if wanted. */
    @Override
    void close();
}
