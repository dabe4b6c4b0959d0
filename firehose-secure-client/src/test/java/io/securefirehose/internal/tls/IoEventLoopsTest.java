package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The two rules that keep the AWS SDK's connection pool from losing the failure of a first connection (see
 * {@link IoEventLoops}): all SDK work on one I/O loop, and registration in a task of its own even from that loop; and
 * signing work still spread over every loop.
 */
class IoEventLoopsTest {

    private final IoEventLoops loops = new IoEventLoops(2, new DefaultThreadFactory("io-event-loops-test", true));

    @AfterEach
    void shutDown() {
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    @Test
    void everyOperationOfTheSdkRunsOnOneIoLoop() {
        EventLoop io = loops.next();

        for (int i = 0; i < 10; i++) {
            assertThat(loops.next()).isSameAs(io);
        }
    }

    @Test
    void aChannelRegisteredFromTheIoLoopItselfIsRegisteredInALaterTask() throws Exception {
        EventLoop io = loops.next();
        NioSocketChannel channel = new NioSocketChannel();

        ChannelFuture registration = io.submit(() -> {
                    ChannelFuture future = loops.register(channel);
                    assertThat(future.isDone())
                            .as("done when register() returned")
                            .isFalse();
                    return future;
                })
                .get(10, TimeUnit.SECONDS);

        assertThat(registration.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(registration.isSuccess()).isTrue();
        assertThat(channel.eventLoop()).isSameAs(io);
        channel.close().await(10, TimeUnit.SECONDS);
    }

    @Test
    void aRegistrationAfterShutdownFailsItsFutureAndClosesTheChannel() throws Exception {
        loops.shutdownGracefully(0, 5, TimeUnit.SECONDS).await(10, TimeUnit.SECONDS);
        NioSocketChannel channel = new NioSocketChannel();

        ChannelFuture registration = loops.register(channel);

        assertThat(registration.isDone()).isTrue();
        assertThat(registration.cause()).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void workersSpreadTasksOverEveryLoop() throws Exception {
        Set<Thread> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch ran = new CountDownLatch(4);

        for (int i = 0; i < 4; i++) {
            loops.workers().execute(() -> {
                threads.add(Thread.currentThread());
                ran.countDown();
            });
        }

        assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(threads).hasSize(2);
        CompletableFuture<Boolean> onIo = new CompletableFuture<>();
        loops.next().execute(() -> onIo.complete(threads.contains(Thread.currentThread())));
        assertThat(onIo.get(10, TimeUnit.SECONDS))
                .as("the I/O loop is one of them")
                .isTrue();
    }
}
