package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.securefirehose.testkit.CapturedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one decoded HTTP request: routes it to STS, KMS or Firehose's operations ({@link FirehoseOperations}),
 * checks its SigV4 signature, captures it, and writes the answer (or holds it while responses are paused). Shared by
 * every connection; runs on the connection's event-loop thread.
 */
@ChannelHandler.Sharable
@API(status = INTERNAL, since = "0.1.0")
public final class FirehoseHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger LOG = LoggerFactory.getLogger("io.securefirehose.testkit");
    private static final String TARGET_PREFIX = "Firehose_20150804.";
    private static final String KMS_TARGET_PREFIX = "TrentService.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final ServerState server;
    private final SigV4Verifier verifier;
    private final Object pauseLock = new Object();
    private final List<Runnable> paused = new ArrayList<>(); // guarded by pauseLock
    private boolean pausing; // guarded by pauseLock

    private final FirehoseOperations operations;
    private final FirehoseOperations.@Nullable AcknowledgingAnswers acknowledgeOnly;

    /**
     * @param server the server's state
     * @param verifier checks every call's signature
     * @param acknowledgeOnly whether {@code PutRecordBatch} calls are only acknowledged (for load benchmarks: see
     *     {@link FirehoseOperations.AcknowledgingAnswers}); STS, KMS and every other operation are served in full either way
     */
    public FirehoseHandler(ServerState server, SigV4Verifier verifier, boolean acknowledgeOnly) {
        this.server = server;
        this.verifier = verifier;
        this.operations = new FirehoseOperations(server, this);
        this.acknowledgeOnly =
                acknowledgeOnly ? new FirehoseOperations.AcknowledgingAnswers(server.instanceId()) : null;
    }

    /** What one call is answered with. Never compared or hashed, so the array component is harmless. */
    @SuppressWarnings("ArrayRecordComponent")
    record Answer(int status, byte[] body, @Nullable String errorCode, Duration delay, String contentType) {

        Answer(int status, byte[] body, @Nullable String errorCode, Duration delay) {
            this(status, body, errorCode, delay, CONTENT_TYPE);
        }
    }

    /** One received call: where to answer, its number and operation, and who signed it. */
    record Call(
            ChannelHandlerContext ctx,
            boolean keepAlive,
            long sequence,
            String action,
            @Nullable String signer,
            String userAgent) {

        Call signedBy(@Nullable String accessKeyId) {
            return new Call(ctx, keepAlive, sequence, action, accessKeyId, userAgent);
        }

        Call named(String name) {
            return new Call(ctx, keepAlive, sequence, name, signer, userAgent);
        }
    }

    /** What a data call asked for, as far as it could be read. */
    record Subject(@Nullable String stream, int recordCount, long recordBytes) {
        static final Subject NONE = new Subject(null, 0, 0);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        // From its number to its captures, a call is handled against one state: a reset waits for it, or it starts
        // after the reset. Otherwise a call numbered before a reset could be stored after it, with the new (fault
        // free) plan, into the next test's captures.
        Lock handling = server.callHandling().readLock();
        handling.lock();
        try {
            handle(ctx, request);
        } finally {
            handling.unlock();
        }
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest request) {
        ByteBuf content = request.content();
        FirehoseOperations.AcknowledgingAnswers acknowledging = acknowledgeOnly;
        if (acknowledging != null && acknowledged(acknowledging, ctx, request, content)) {
            return;
        }
        int length = content.readableBytes();
        // One reusable buffer per event-loop thread: bodies of up to 6 MB would otherwise each be a humongous
        // allocation, and the server would spend its time collecting them.
        byte[] body = scratch(length);
        content.getBytes(content.readerIndex(), body, 0, length);
        String target = request.headers().get("X-Amz-Target", "");
        boolean kms = target.startsWith(KMS_TARGET_PREFIX);
        String action = target.startsWith(TARGET_PREFIX)
                ? target.substring(TARGET_PREFIX.length())
                : kms ? target.substring(KMS_TARGET_PREFIX.length()) : target;
        Call call = new Call(
                ctx,
                HttpUtil.isKeepAlive(request),
                server.nextSequence(),
                action,
                null,
                request.headers().get(HttpHeaderNames.USER_AGENT, ""));
        if (!HttpMethod.POST.equals(request.method()) || !"/".equals(request.uri())) {
            reject(call, 404, "UnknownOperationException", "only POST / is served", Subject.NONE);
            return;
        }
        String contentType = request.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (contentType.startsWith("application/x-www-form-urlencoded")) {
            sts(call, request, body, length);
            return;
        }
        if (kms) {
            kms(call, request, body, length);
            return;
        }
        SigV4Verifier.Result signature = verifiedOrRejected(call, request, body, length, "firehose");
        if (signature == null) {
            return;
        }
        Call signed = call.signedBy(signature.accessKeyId());
        String signer = signature.accessKeyId();
        if (server.requiresSessionCredentials() && (signer == null || !server.isIssuedSession(signer))) {
            reject(
                    signed,
                    400,
                    "AccessDeniedException",
                    "this endpoint accepts only temporary credentials issued by its STS (AssumeRole)",
                    Subject.NONE);
            return;
        }
        switch (action) {
            case "PutRecordBatch" -> operations.put(signed, body, length, "Records");
            case "PutRecord" -> operations.put(signed, body, length, "Record");
            case "DescribeDeliveryStream" -> operations.describe(signed, body, length);
            default ->
                reject(
                        signed,
                        400,
                        "UnknownOperationException",
                        "operation '" + action + "' is not served by LocalFirehose",
                        Subject.NONE);
        }
    }

    private static boolean acknowledged(
            FirehoseOperations.AcknowledgingAnswers acknowledging,
            ChannelHandlerContext ctx,
            FullHttpRequest request,
            ByteBuf content) {
        if (!(TARGET_PREFIX + "PutRecordBatch").equals(request.headers().get("X-Amz-Target"))) {
            return false;
        }
        byte[] answer = acknowledging.answer(FirehoseOperations.AcknowledgingAnswers.countRecords(content));
        if (answer.length == 0) {
            return false; // served in full, so that the call is refused as Firehose would
        }
        write(ctx, HttpUtil.isKeepAlive(request), new Answer(200, answer, null, Duration.ZERO));
        return true;
    }

    /** STS's query protocol: form-encoded request, XML answer. */
    private void sts(Call call, FullHttpRequest request, byte[] body, int length) {
        Map<String, String> form;
        try {
            form = LocalSts.parseForm(body, length);
        } catch (IllegalArgumentException malformed) {
            answerSts(call, LocalSts.malformedQuery(String.valueOf(malformed.getMessage())));
            return;
        }
        Call named = call.named(form.getOrDefault("Action", ""));
        if ("AssumeRoleWithWebIdentity".equals(named.action())) {
            // Unsigned by design: the token is the proof of identity.
            answerSts(named, server.sts().assumeRoleWithWebIdentity(form));
            return;
        }
        SigV4Verifier.Result signature =
                verifier.verify(request.method().name(), request.uri(), headers(request), body, length, "sts");
        LocalSts.Answer answer = server.sts().serve(named.action(), form, signature);
        answerSts(named.signedBy(signature.accessKeyId()), answer);
    }

    private void answerSts(Call call, LocalSts.Answer answer) {
        capture(call, Subject.NONE, answer.errorCode() == null ? "OK" : answer.errorCode(), List.of());
        respond(
                call,
                new Answer(
                        answer.status(),
                        answer.body().getBytes(StandardCharsets.UTF_8),
                        answer.errorCode(),
                        Duration.ZERO,
                        "text/xml"));
    }

    /** Checks the call's signature for the service; answers the refusal itself and returns null when it fails. */
    private SigV4Verifier.@Nullable Result verifiedOrRejected(
            Call call, FullHttpRequest request, byte[] body, int length, String service) {
        SigV4Verifier.Result signature =
                verifier.verify(request.method().name(), request.uri(), headers(request), body, length, service);
        if (signature.verified()) {
            return signature;
        }
        reject(
                call,
                signature.status(),
                String.valueOf(signature.errorCode()),
                String.valueOf(signature.errorMessage()),
                Subject.NONE);
        return null;
    }

    /** KMS's awsJson1.1 operations, signed for service {@code kms}. */
    private void kms(Call call, FullHttpRequest request, byte[] body, int length) {
        SigV4Verifier.Result signature = verifiedOrRejected(call, request, body, length, "kms");
        if (signature == null) {
            return;
        }
        Call signed = call.signedBy(signature.accessKeyId());
        LocalKms.Answer answer = server.kms()
                .serve(call.action(), body, length, signature.accessKeyId(), (caller, kmsAction, key, keys) -> {
                    Map<String, String> withSource = new LinkedHashMap<>(keys);
                    withSource.put("aws:SourceIp", sourceIp(call));
                    return server.denial(caller, kmsAction, key, withSource);
                });
        capture(signed, Subject.NONE, answer.errorCode() == null ? "OK" : answer.errorCode(), List.of());
        respond(signed, new Answer(answer.status(), answer.body(), answer.errorCode(), Duration.ZERO));
    }

    /** The address a call came from, as the condition key {@code aws:SourceIp} names it. */
    static String sourceIp(Call call) {
        return call.ctx().channel().remoteAddress() instanceof java.net.InetSocketAddress peer
                ? peer.getAddress().getHostAddress()
                : "";
    }

    void reject(Call call, int status, String code, String message, Subject subject) {
        capture(call, subject, code, List.of());
        respond(call, new Answer(status, FirehoseJson.error(code, message), code, Duration.ZERO));
    }

    void capture(Call call, Subject subject, String outcome, List<Integer> failedIndexes) {
        capture(call, subject, outcome, failedIndexes, Duration.ZERO);
    }

    void capture(Call call, Subject subject, String outcome, List<Integer> failedIndexes, Duration answerDelay) {
        server.recordRequest(new CapturedRequest(
                call.sequence(),
                call.action(),
                subject.stream(),
                subject.recordCount(),
                subject.recordBytes(),
                outcome,
                call.signer(),
                failedIndexes,
                call.userAgent(),
                answerDelay));
    }

    // Netty reports write and close failures through exceptionCaught; the returned futures need no handling.
    @SuppressWarnings("FutureReturnValueIgnored")
    void respond(Call call, Answer answer) {
        ChannelHandlerContext ctx = call.ctx();
        Runnable write = () -> write(ctx, call.keepAlive(), answer);
        synchronized (pauseLock) {
            if (pausing) {
                paused.add(() -> ctx.executor().execute(write));
                return;
            }
        }
        if (answer.delay().isZero()) {
            write.run();
        } else {
            ctx.executor().schedule(write, answer.delay().toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    // Netty reports write and close failures through exceptionCaught; the returned futures need no handling.
    @SuppressWarnings("FutureReturnValueIgnored")
    private static void write(ChannelHandlerContext ctx, boolean keepAlive, Answer answer) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(answer.status()),
                Unpooled.wrappedBuffer(answer.body()));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, answer.contentType());
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        response.headers().set("x-amzn-RequestId", UUID.randomUUID().toString());
        if (answer.errorCode() != null) {
            response.headers().set("x-amzn-ErrorType", answer.errorCode());
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            // Said, as HTTP/1.1 asks, so that a client does not send its next request on a connection being closed.
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Drops the connection with a TCP reset: no TLS close_notify, no response. */
    // Netty reports write and close failures through exceptionCaught; the returned futures need no handling.
    @SuppressWarnings("FutureReturnValueIgnored")
    static void reset(ChannelHandlerContext ctx) {
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null) {
            ctx.pipeline().remove(tls);
        }
        ctx.channel().close();
    }

    /** Holds back every answer from now on; calls are still served and captured. */
    public void pause() {
        synchronized (pauseLock) {
            pausing = true;
        }
    }

    /** Writes the answers held back, and answers at once again. */
    public void resume() {
        List<Runnable> release;
        synchronized (pauseLock) {
            pausing = false;
            release = new ArrayList<>(paused);
            paused.clear();
        }
        release.forEach(Runnable::run);
    }

    /** How many answers are held back. */
    public int pausedCount() {
        synchronized (pauseLock) {
            return paused.size();
        }
    }

    private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[64 * 1024]);

    private static byte[] scratch(int length) {
        byte[] buffer = SCRATCH.get();
        if (buffer.length < length) {
            buffer = new byte[Math.max(length, buffer.length * 2)];
            SCRATCH.set(buffer);
        }
        return buffer;
    }

    private static Map<String, List<String>> headers(FullHttpRequest request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> entry : request.headers()) {
            headers.computeIfAbsent(entry.getKey().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(entry.getValue());
        }
        return headers;
    }

    @Override
    @SuppressWarnings("FutureReturnValueIgnored") // closing is the last thing done with this connection
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("closing connection after error: {}", cause.toString());
        ctx.close();
    }
}
