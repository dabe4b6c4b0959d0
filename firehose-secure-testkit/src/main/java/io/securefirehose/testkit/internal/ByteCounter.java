package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.LongAdder;
import org.apiguardian.api.API;

/** Counts accepted connections, and decrypted bytes as they pass from TLS to HTTP, on every connection. */
@ChannelHandler.Sharable
@API(status = INTERNAL, since = "0.1.0")
public final class ByteCounter extends ChannelInboundHandlerAdapter {

    private final LongAdder total = new LongAdder();
    private final LongAdder connections = new LongAdder();

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        connections.increment();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        if (message instanceof ByteBuf bytes) {
            total.add(bytes.readableBytes());
        }
        ctx.fireChannelRead(message);
    }

    public long total() {
        return total.sum();
    }

    public long connections() {
        return connections.sum();
    }

    public void reset() {
        total.reset();
        connections.reset();
    }
}
