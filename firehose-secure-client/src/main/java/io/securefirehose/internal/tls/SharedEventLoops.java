package io.securefirehose.internal.tls;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.apiguardian.api.API;

/**
 * One set of Netty event loops for every connection of a {@code SecureFirehoseClient}: its Firehose connections,
 * its STS and KMS clients, whatever stream they serve. Connections opened by {@link SecureConnector} are spread over
 * the loops; the AWS SDK clients run their I/O on the first loop, as they do on loops of their own
 * ({@link IoEventLoops} says why). Clients built on it do not stop it; its owner does, last. Thread-safe.
 */
@API(status = INTERNAL, since = "0.6.0")
public final class SharedEventLoops implements AutoCloseable {

    private final IoEventLoops loops;

    private SharedEventLoops(IoEventLoops loops) {
        this.loops = loops;
    }

    /**
     * @param threadName name prefix of the I/O threads
     * @param threads how many event loops
     * @return started loops
     */
    public static SharedEventLoops create(String threadName, int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, was " + threads);
        }
        return new SharedEventLoops(new IoEventLoops(threads, new DefaultThreadFactory(threadName, true)));
    }

    IoEventLoops loops() {
        return loops;
    }

    /** @return whether the loops were stopped */
    public boolean isShutdown() {
        return loops.isShutdown();
    }

    /** Stops the loops, closing what is still open on them; waits at most 10 s. */
    @Override
    public void close() {
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
