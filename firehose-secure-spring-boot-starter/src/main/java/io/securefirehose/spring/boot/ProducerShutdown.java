package io.securefirehose.spring.boot;

import io.securefirehose.SecureFirehoseProducer;
import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * Closes the producer in Spring's shutdown, after the web server has stopped taking requests (a lower phase stops
 * later), within the shutdown phase's timeout: records accepted before are delivered, or, when the timeout ends,
 * failed with {@code ProducerClosedException}, before the context closes. Runs on the thread that closes the
 * context.
 */
final class ProducerShutdown implements SmartLifecycle {

    /** Below the web server's graceful shutdown ({@code DEFAULT_PHASE - 1024}) and its stop ({@code - 2048}). */
    static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

    private final SecureFirehoseProducer producer;
    private final Duration timeout;
    private volatile boolean running;

    /**
     * @param producer the producer
     * @param timeout how long close may wait for records in flight
     */
    ProducerShutdown(SecureFirehoseProducer producer, Duration timeout) {
        this.producer = producer;
        this.timeout = timeout;
    }

    @Override
    public void start() {
        running = true;
    }

    @Override
    public void stop() {
        running = false;
        producer.close(timeout);
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return PHASE;
    }
}
