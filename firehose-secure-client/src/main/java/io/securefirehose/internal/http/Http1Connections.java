package io.securefirehose.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.securefirehose.internal.tls.SecureConnector;
import io.securefirehose.internal.wire.BodyBuffers;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The producer's HTTP/1.1 connections to its one endpoint: at most {@code maxConnections} open (or opening) at once,
 * each carrying one exchange at a time (no pipelining) and kept alive between exchanges while the endpoint allows
 * it. A connection comes from {@link SecureConnector}, so it is in use only after its TLS handshake has completed
 * and been checked. An idle connection is closed rather than reused once it has been idle for
 * {@link #MAX_IDLE_NANOS}, before the endpoint's own idle timeout can close it under a request; a request that asks
 * for a connection while all are busy waits for the first one given back.
 *
 * <p>Thread-safe: {@link #exchange} may be called from any thread; the pool's state is guarded by one lock, taken a
 * few times per call (never per record), and never held while a connection is opened or closed.
 */
// The futures of Channel.close() and whenComplete are not needed: a closed connection is seen through its close
// future's listener, and every outcome of an exchange reaches its call.
@SuppressWarnings("FutureReturnValueIgnored")
final class Http1Connections implements AutoCloseable {

    /** Idle time after which a connection is not reused: well below the 60 s after which AWS endpoints close one. */
    static final long MAX_IDLE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private record Idle(Channel channel, long since) {}

    private final SecureConnector connector;
    private final int maxConnections;
    private final BodyBuffers answers;
    private final LongSupplier nanoTime;

    private final Object lock = new Object();
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private final ArrayDeque<CompletableFuture<Channel>> waiting = new ArrayDeque<>();
    private final Set<Channel> open = new HashSet<>();
    private int opening;
    private boolean closed;

    /**
     * @param connector opens the connections
     * @param maxConnections most connections open or opening at once
     * @param answers the arrays answers are gathered into
     * @param nanoTime the clock idle times are measured on
     */
    Http1Connections(SecureConnector connector, int maxConnections, BodyBuffers answers, LongSupplier nanoTime) {
        if (maxConnections < 1) {
            throw new IllegalArgumentException("maxConnections must be at least 1, was " + maxConnections);
        }
        this.connector = connector;
        this.maxConnections = maxConnections;
        this.answers = answers;
        this.nanoTime = nanoTime;
    }

    /**
     * Writes {@code request} (a whole request: head and body, in one buffer) on a connection of the pool, in one
     * write, and gathers the answer.
     *
     * @param request released once written, or when the exchange fails before it could be
     * @return the exchange; fail it to abandon it (its connection is then closed, never reused)
     */
    Http1Exchange.Call exchange(ByteBuf request) {
        Http1Exchange.Call call = new Http1Exchange.Call();
        acquire().whenComplete((channel, error) -> {
            if (error != null) {
                request.release();
                call.fail(error);
                return;
            }
            EventLoop loop = channel.eventLoop();
            if (loop.inEventLoop()) {
                start(channel, call, request);
            } else {
                try {
                    loop.execute(() -> start(channel, call, request));
                } catch (RejectedExecutionException shutDown) {
                    request.release();
                    release(channel, false);
                    call.fail(shutDown);
                }
            }
        });
        return call;
    }

    private void start(Channel channel, Http1Exchange.Call call, ByteBuf request) {
        Http1Exchange handler = channel.pipeline().get(Http1Exchange.class);
        boolean usable = handler != null && channel.isActive();
        if (call.result.isDone() || handler == null || !usable) {
            request.release();
            // A call that failed (timed out) while it waited leaves a connection that never carried it.
            release(channel, usable);
            call.fail(new IOException(
                    "the connection to " + connector.endpointName() + " closed before the request could be written"));
            return;
        }
        handler.begin(call);
        call.carriedBy(channel);
        channel.writeAndFlush(request).addListener(written -> {
            if (!written.isSuccess()) {
                call.fail(written.cause());
            }
        });
    }

    private CompletableFuture<Channel> acquire() {
        List<Channel> stale = new ArrayList<>(0);
        CompletableFuture<Channel> acquired = new CompletableFuture<>();
        boolean connect = false;
        synchronized (lock) {
            if (closed) {
                return CompletableFuture.failedFuture(closedError());
            }
            long now = nanoTime.getAsLong();
            Idle candidate;
            while ((candidate = idle.pollLast()) != null) {
                if (candidate.channel().isActive() && now - candidate.since() < MAX_IDLE_NANOS) {
                    acquired.complete(candidate.channel());
                    break;
                }
                open.remove(candidate.channel());
                stale.add(candidate.channel());
            }
            if (!acquired.isDone()) {
                if (open.size() + opening < maxConnections) {
                    opening++;
                    connect = true;
                } else {
                    waiting.addLast(acquired);
                }
            }
        }
        stale.forEach(Channel::close);
        if (connect) {
            connectFor(acquired);
        }
        return acquired;
    }

    private void connectFor(CompletableFuture<Channel> acquired) {
        connector
                .connect(pipeline ->
                        pipeline.addLast(new HttpResponseDecoder()).addLast(new Http1Exchange(this::release, answers)))
                .whenComplete((channel, error) -> {
                    boolean usable;
                    synchronized (lock) {
                        opening--;
                        usable = error == null && !closed;
                        if (usable) {
                            open.add(channel);
                        }
                    }
                    if (error != null) {
                        acquired.completeExceptionally(error);
                        serveWaiting();
                    } else if (!usable) {
                        channel.close();
                        acquired.completeExceptionally(closedError());
                    } else {
                        channel.closeFuture().addListener(done -> closed(channel));
                        acquired.complete(channel);
                    }
                });
    }

    /**
     * Gives a connection back after an exchange.
     *
     * @param reusable whether the connection may carry another exchange (the answer was complete and kept it alive)
     */
    void release(Channel channel, boolean reusable) {
        CompletableFuture<Channel> next = null;
        boolean close = false;
        synchronized (lock) {
            if (!reusable || !channel.isActive() || closed) {
                open.remove(channel);
                close = true;
            } else if (!waiting.isEmpty()) {
                next = waiting.pollFirst();
            } else {
                idle.addLast(new Idle(channel, nanoTime.getAsLong()));
            }
        }
        if (close) {
            channel.close();
            serveWaiting();
        } else if (next != null) {
            next.complete(channel);
        }
    }

    private void closed(Channel channel) {
        boolean removed;
        synchronized (lock) {
            removed = open.remove(channel);
            if (removed) {
                idle.removeIf(c -> c.channel() == channel);
            }
        }
        if (removed) {
            serveWaiting();
        }
    }

    /** Opens a connection for the longest-waiting request, if one waits and there is room. */
    private void serveWaiting() {
        CompletableFuture<Channel> next = null;
        synchronized (lock) {
            if (!closed && !waiting.isEmpty() && open.size() + opening < maxConnections) {
                next = waiting.pollFirst();
                opening++;
            }
        }
        if (next != null) {
            connectFor(next);
        }
    }

    /** @return connections open now (busy or idle), for tests */
    int openConnections() {
        synchronized (lock) {
            return open.size();
        }
    }

    private IllegalStateException closedError() {
        return new IllegalStateException("the connections to " + connector.endpointName() + " are closed");
    }

    /** Fails waiting requests, closes every connection and stops the event loops. */
    @Override
    public void close() {
        List<CompletableFuture<Channel>> waiters;
        List<Channel> channels;
        synchronized (lock) {
            closed = true;
            waiters = new ArrayList<>(waiting);
            waiting.clear();
            channels = new ArrayList<>(open);
            open.clear();
            idle.clear();
        }
        waiters.forEach(w -> w.completeExceptionally(closedError()));
        channels.forEach(Channel::close);
        connector.close();
    }
}
