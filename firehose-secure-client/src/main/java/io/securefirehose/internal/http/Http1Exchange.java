package io.securefirehose.internal.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.securefirehose.internal.wire.BodyBuffers;
import io.securefirehose.internal.wire.FirehoseAnswers;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.SdkHttpResponse;

/**
 * One connection's side of its HTTP/1.1 exchanges, one at a time: gathers the answer to the request in flight (its
 * status, headers and at most {@link FirehoseAnswers#MAX_ANSWER_BYTES} of body, into a pooled array sized from its
 * {@code Content-Length}), gives the connection back to its pool (which closes it unless the answer keeps it alive),
 * and only then completes the exchange. Any bytes that arrive with no exchange waiting for them, a response that is not
 * valid HTTP/1.1, an answer longer than any Firehose answer, or the connection closing mid-answer fail the exchange
 * and close the connection: it is out of step, and never reused.
 *
 * <p>Not sharable; runs on its connection's event loop only.
 */
// Channel.close() futures are not needed: a closed connection is seen by its pool through its close future.
@SuppressWarnings("FutureReturnValueIgnored")
final class Http1Exchange extends ChannelInboundHandlerAdapter {

    /** Status, headers and bytes of one answer; the array is the pool's, given back once parsed. */
    static final class Answer {
        private final SdkHttpResponse response;
        private final byte[] bytes;
        private final int length;

        Answer(SdkHttpResponse response, byte[] bytes, int length) {
            this.response = response;
            this.bytes = bytes;
            this.length = length;
        }

        SdkHttpResponse response() {
            return response;
        }

        byte[] bytes() {
            return bytes;
        }

        int length() {
            return length;
        }
    }

    /** One request's wait for its answer. Thread-safe: it fails on a timer thread or completes on the event loop. */
    static final class Call {
        final CompletableFuture<Answer> result = new CompletableFuture<>();
        private volatile @Nullable Channel channel;

        /** Fails the call; if it was still waiting, closes its connection, whose state is then unknown. */
        boolean fail(Throwable error) {
            boolean failed = result.completeExceptionally(error);
            Channel carrying = channel;
            if (failed && carrying != null) {
                carrying.close();
            }
            return failed;
        }

        void carriedBy(Channel carrier) {
            channel = carrier;
            if (result.isDone()) {
                // Failed (timed out) while the connection was being handed over: it must not carry the request.
                carrier.close();
            }
        }
    }

    private static final byte[] NONE = new byte[0];

    /** Where a connection goes after an answer: back to its pool, or closed. */
    interface GiveBack {
        /**
         * @param connection the connection the answer came on
         * @param reusable whether it may carry another exchange
         */
        void release(Channel connection, boolean reusable);
    }

    private final GiveBack pool;
    private final BodyBuffers arrays;
    private @Nullable Call call;
    private @Nullable SdkHttpResponse head;
    private boolean keepAlive;
    private byte[] bytes = NONE;
    private int length;

    Http1Exchange(GiveBack pool, BodyBuffers arrays) {
        this.pool = pool;
        this.arrays = arrays;
    }

    /** Starts waiting for the answer to {@code next}, whose request is about to be written. */
    void begin(Call next) {
        call = next;
        head = null;
        keepAlive = false;
        bytes = NONE;
        length = 0;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        try {
            read(ctx, message);
        } finally {
            ReferenceCountUtil.release(message);
        }
    }

    private void read(ChannelHandlerContext ctx, Object message) {
        Call current = call;
        if (current == null || current.result.isDone()) {
            // Bytes no request asked for, or the rest of an answer to a call that has already failed.
            abandon(ctx, new IOException("the endpoint sent bytes no request asked for"));
            return;
        }
        if (message instanceof DecoderResultProvider decoded) {
            DecoderResult result = decoded.decoderResult();
            if (result.isFailure()) {
                abandon(
                        ctx,
                        new IOException(
                                "the answer from " + ctx.channel().remoteAddress() + " is not valid HTTP/1.1: "
                                        + result.cause().getMessage(),
                                result.cause()));
                return;
            }
        }
        if (message instanceof HttpResponse response && !headers(ctx, response)) {
            return;
        }
        if (message instanceof HttpContent content && !content(ctx, content.content())) {
            return;
        }
        if (message instanceof LastHttpContent) {
            SdkHttpResponse answered = head;
            if (answered == null) {
                abandon(ctx, FirehoseAnswers.malformed("the answer's body arrived before its headers", null));
                return;
            }
            // Taken before the connection goes back: the pool may start the next exchange on it at once, on this
            // thread, and begin() clears these fields.
            Answer answer = new Answer(answered, bytes, length);
            call = null;
            bytes = NONE;
            length = 0;
            pool.release(ctx.channel(), keepAlive);
            current.result.complete(answer);
        }
    }

    private boolean headers(ChannelHandlerContext ctx, HttpResponse response) {
        if (response.status().code() < 200) {
            // No request of ours asks for an interim answer (no Expect: 100-continue).
            abandon(
                    ctx,
                    FirehoseAnswers.malformed("an interim answer " + response.status() + " was not asked for", null));
            return false;
        }
        long declared = HttpUtil.getContentLength(response, -1L);
        if (declared > FirehoseAnswers.MAX_ANSWER_BYTES) {
            abandon(ctx, tooLong());
            return false;
        }
        SdkHttpResponse.Builder builder = SdkHttpResponse.builder()
                .statusCode(response.status().code())
                .statusText(response.status().reasonPhrase());
        for (Map.Entry<String, String> header : response.headers()) {
            builder.appendHeader(header.getKey(), header.getValue());
        }
        head = builder.build();
        keepAlive = HttpUtil.isKeepAlive(response);
        // Sized once from Content-Length when the answer has one (Firehose's do): no regrowth per call.
        bytes = arrays.acquire(declared >= 0 ? (int) Math.max(declared, 1) : 8192);
        return true;
    }

    private boolean content(ChannelHandlerContext ctx, ByteBuf chunk) {
        int readable = chunk.readableBytes();
        int needed = length + readable;
        if (needed > FirehoseAnswers.MAX_ANSWER_BYTES || needed < 0) {
            abandon(ctx, tooLong());
            return false;
        }
        if (needed > bytes.length) {
            bytes = Arrays.copyOf(
                    bytes, Math.max(needed, Math.min(bytes.length * 2, FirehoseAnswers.MAX_ANSWER_BYTES)));
        }
        chunk.readBytes(bytes, length, readable);
        length = needed;
        return true;
    }

    private static FirehoseAnswers.MalformedResponseException tooLong() {
        return FirehoseAnswers.malformed("longer than " + FirehoseAnswers.MAX_ANSWER_BYTES + " bytes", null);
    }

    /** Fails the call in flight, if any, and closes the connection: it is out of step with its requests. */
    private void abandon(ChannelHandlerContext ctx, Throwable error) {
        Call current = call;
        call = null;
        if (current != null) {
            current.fail(error);
        }
        ctx.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Call current = call;
        call = null;
        if (current != null) {
            current.fail(new IOException(
                    "the connection to " + ctx.channel().remoteAddress() + " closed before the answer was complete"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        abandon(ctx, cause);
    }
}
