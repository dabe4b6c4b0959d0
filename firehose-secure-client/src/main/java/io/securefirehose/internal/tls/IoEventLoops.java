package io.securefirehose.internal.tls;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioEventLoopGroup;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;

/**
 * The event loops of one HTTP client, arranged so that a connection that cannot be opened fails its request at once
 * with its own cause (refused, unknown host) instead of after the AWS SDK's 10 s connection-acquire timeout.
 *
 * <p>Why: the SDK's connection pool (its {@code HttpOrHttp2ChannelPool}, 2.57.8) opens the first connection of a
 * pool and then listens for the outcome on a promise it replaces when that connection fails. If the failure is
 * delivered on the pool's own event loop before the listener is attached, which happens when the failure is
 * synchronous (a host name that does not resolve) or when another event loop completes it in that window (a refused
 * connection on a busy machine), the listener lands on the replacement promise, which nothing completes, and the
 * request waits for the acquire timeout. Two rules close both ways in: every SDK operation runs on one I/O loop
 * ({@link #next()} always returns it), so no other thread can complete a connection attempt concurrently; and a
 * channel is registered in a task of its own ({@link #register(Channel)}), so everything after registration, name
 * resolution included, happens after the pool has attached its listener.
 *
 * <p>The other loops are not idle: {@link #workers()} spreads CPU work that belongs next to the I/O (request
 * signing) over all of them. Thread-safe.
 */
final class IoEventLoops extends NioEventLoopGroup {

    private final EventLoop io = super.next();

    /**
     * @param threads how many event loops; the first one handed out carries all I/O
     * @param threadFactory makes their threads
     */
    IoEventLoops(int threads, ThreadFactory threadFactory) {
        super(threads, threadFactory);
    }

    /** @return the I/O loop, always the same one */
    @Override
    public EventLoop next() {
        return io;
    }

    /** Registers {@code channel} on the I/O loop in a task of its own, even when called from that loop. */
    @Override
    public ChannelFuture register(Channel channel) {
        return register(new DefaultChannelPromise(channel, io));
    }

    @Override
    // The registration's outcome is the promise itself, already handed out.
    @SuppressWarnings("FutureReturnValueIgnored")
    public ChannelFuture register(ChannelPromise promise) {
        try {
            io.execute(() -> io.register(promise));
        } catch (RejectedExecutionException shutDown) {
            promise.channel().unsafe().closeForcibly();
            promise.setFailure(shutDown);
        }
        return promise;
    }

    /** @return an executor that hands each task to the next of all the loops in turn */
    Executor workers() {
        return task -> super.next().execute(task);
    }

    /** @return the next of all the loops in turn, for a connection this SDK opens itself */
    EventLoop spread() {
        return super.next();
    }
}
