package io.securefirehose.testkit;

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
import io.securefirehose.testkit.internal.FirehoseJson;
import io.securefirehose.testkit.internal.SigV4Verifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one decoded HTTP request as Firehose would: signature check, operation dispatch, limits, faults, and the
 * awsJson1.1 answer. Shared by every connection; runs on the connection's event-loop thread.
 */
@ChannelHandler.Sharable
final class FirehoseHandler extends SimpleChannelInboundHandler<FullHttpRequest> {

    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;
    static final int MAX_RECORDS = 500;
    static final int MAX_RECORD_BYTES = 1_024_000;
    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger("io.securefirehose.testkit");
    private static final String TARGET_PREFIX = "Firehose_20150804.";
    private static final String KMS_TARGET_PREFIX = "TrentService.";
    private static final String CONTENT_TYPE = "application/x-amz-json-1.1";

    private final LocalFirehose server;
    private final SigV4Verifier verifier;
    private final Object pauseLock = new Object();
    private final List<Runnable> paused = new ArrayList<>(); // guarded by pauseLock
    private boolean pausing; // guarded by pauseLock

    FirehoseHandler(LocalFirehose server, SigV4Verifier verifier) {
        this.server = server;
        this.verifier = verifier;
    }

    /** What one call is answered with. Never compared or hashed, so the array component is harmless. */
    @SuppressWarnings("ArrayRecordComponent")
    private record Answer(int status, byte[] body, @Nullable String errorCode, Duration delay, String contentType) {

        Answer(int status, byte[] body, @Nullable String errorCode, Duration delay) {
            this(status, body, errorCode, delay, CONTENT_TYPE);
        }
    }

    /** One received call: where to answer, its number and operation, and who signed it. */
    private record Call(
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
    private record Subject(@Nullable String stream, int recordCount, long recordBytes) {
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
            case "PutRecordBatch" -> put(signed, body, length, "Records");
            case "PutRecord" -> put(signed, body, length, "Record");
            case "DescribeDeliveryStream" -> describe(signed, body, length);
            default ->
                reject(
                        signed,
                        400,
                        "UnknownOperationException",
                        "operation '" + action + "' is not served by LocalFirehose",
                        Subject.NONE);
        }
    }

    /** STS's query protocol: form-encoded request, XML answer. */
    private void sts(Call call, FullHttpRequest request, byte[] body, int length) {
        java.util.Map<String, String> form;
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
        LocalSts.Answer answer;
        if (!signature.verified()) {
            answer = new LocalSts.Answer(
                    signature.status() == 400 ? 403 : signature.status(),
                    "<ErrorResponse><Error><Type>Sender</Type><Code>" + signature.errorCode() + "</Code><Message>"
                            + signature.errorMessage() + "</Message></Error></ErrorResponse>\n",
                    signature.errorCode());
        } else if ("AssumeRole".equals(named.action())) {
            answer = server.sts().assumeRole(form, signature.accessKeyId());
        } else {
            answer = new LocalSts.Answer(
                    400,
                    "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>LocalFirehose serves"
                            + " only AssumeRole of STS</Message></Error></ErrorResponse>\n",
                    "InvalidAction");
        }
        answerSts(named.signedBy(signature.accessKeyId()), answer);
    }

    private void answerSts(Call call, LocalSts.Answer answer) {
        capture(call, Subject.NONE, answer.errorCode() == null ? "OK" : answer.errorCode(), List.of());
        respond(
                call,
                new Answer(
                        answer.status(),
                        answer.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
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
        LocalKms.Answer answer = server.kms().serve(call.action(), body, length, signature.accessKeyId());
        capture(signed, Subject.NONE, answer.errorCode() == null ? "OK" : answer.errorCode(), List.of());
        respond(signed, new Answer(answer.status(), answer.body(), answer.errorCode(), Duration.ZERO));
    }

    private void put(Call call, byte[] body, int length, String recordsField) {
        FirehoseJson.Input input;
        try {
            input = FirehoseJson.parse(body, length, recordsField, server.keepsRecordData());
        } catch (FirehoseJson.MalformedRequestException e) {
            reject(call, 400, "SerializationException", String.valueOf(e.getMessage()), Subject.NONE);
            return;
        }
        String streamName = input.streamName();
        int[] sizes = input.sizes();
        Subject subject = new Subject(streamName, input.count(), input.totalBytes());
        String invalid = validate(streamName, sizes, subject.recordBytes(), "Records".equals(recordsField));
        if (invalid != null) {
            reject(call, 400, "InvalidArgumentException", invalid, subject);
            return;
        }
        LocalStream stream = streamName == null ? null : server.stream(streamName);
        if (stream == null) {
            reject(call, 400, "ResourceNotFoundException", notFound(streamName), subject);
            return;
        }
        FaultPlan plan = server.faultPlan();
        SplittableRandom random = new SplittableRandom(plan.seed() ^ (call.sequence() * 0x9E3779B97F4A7C15L));
        Fault fault = server.nextScriptedFault();
        if (fault == null && !plan.isNone()) {
            fault = drawFault(plan, random);
        }
        Duration delay = drawLatency(plan, random);
        if (fault != null) {
            switch (fault.kind()) {
                case CONNECTION_RESET -> {
                    capture(call, subject, "CONNECTION_RESET", List.of());
                    reset(call.ctx());
                    return;
                }
                case THROTTLE, SERVER_ERROR, ERROR -> {
                    String message =
                            fault.kind() == Fault.Kind.THROTTLE ? "Slow down." : "Injected fault: " + fault.errorCode();
                    reject(call, fault.status(), fault.errorCode(), message, subject);
                    return;
                }
                case ANSWER -> {
                    capture(call, subject, "ANSWER", List.of());
                    respond(
                            call,
                            new Answer(
                                    fault.status(),
                                    fault.body().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                                    fault.errorCode().isEmpty() ? null : fault.errorCode(),
                                    Duration.ZERO));
                    return;
                }
                case DELAY -> delay = fault.delay();
                case FAIL_RECORDS, LOST_RESPONSE -> {}
            }
        }
        String exceeded = stream.admit(sizes.length, subject.recordBytes());
        if (exceeded != null) {
            reject(
                    call,
                    500,
                    "ServiceUnavailableException",
                    "Slow down. The delivery stream's quota of " + exceeded + " is exceeded.",
                    subject);
            return;
        }
        String[] errorCodes = recordErrors(sizes.length, fault, plan, random);
        boolean[] failed = new boolean[sizes.length];
        List<Integer> failedIndexes = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            if (errorCodes[i] != null) {
                failed[i] = true;
                failedIndexes.add(i);
            }
        }
        if ("Record".equals(recordsField) && failed[0]) {
            reject(call, 500, errorCodes[0], "Injected record failure", subject);
            return;
        }
        String[] recordIds = stream.accept(call.sequence(), sizes, input.data(), failed, server.instanceId());
        boolean lost = fault == null
                ? plan.lostResponseRate() > 0 && random.nextDouble() < plan.lostResponseRate()
                : fault.kind() == Fault.Kind.LOST_RESPONSE;
        if (lost) {
            // Stored, but the client never hears so: it will send the records again.
            capture(call, subject, "LOST_RESPONSE", failedIndexes);
            reset(call.ctx());
            return;
        }
        capture(call, subject, "OK", failedIndexes, delay);
        boolean encrypted = stream.posture().encryptsAtRest();
        byte[] answer = "Records".equals(recordsField)
                ? batchAnswer(recordIds, errorCodes, failedIndexes.size(), encrypted)
                : FirehoseJson.render(
                        json -> {
                            json.writeStartObject();
                            json.writeStringField("RecordId", recordIds[0]);
                            json.writeBooleanField("Encrypted", encrypted);
                            json.writeEndObject();
                        },
                        128);
        respond(call, new Answer(200, answer, null, delay));
    }

    /** The per-record error code of each record of a call, or null where the record is accepted. */
    private static @Nullable String[] recordErrors(
            int count, @Nullable Fault fault, FaultPlan plan, SplittableRandom random) {
        String[] errorCodes = new String[count];
        if (fault != null && fault.kind() == Fault.Kind.FAIL_RECORDS) {
            for (int index : fault.recordIndexes()) {
                if (index >= 0 && index < count) {
                    errorCodes[index] = fault.errorCode();
                }
            }
        } else if (plan.recordFailureRate() > 0) {
            for (int i = 0; i < count; i++) {
                if (random.nextDouble() < plan.recordFailureRate()) {
                    errorCodes[i] = plan.recordErrorCodes()
                            .get(random.nextInt(plan.recordErrorCodes().size()));
                }
            }
        }
        return errorCodes;
    }

    private String notFound(@Nullable String streamName) {
        return "Firehose " + streamName + " under account " + server.accountId() + " not found.";
    }

    private static @Nullable String validate(@Nullable String streamName, int[] sizes, long totalBytes, boolean batch) {
        if (streamName == null || streamName.isEmpty()) {
            return "DeliveryStreamName is required";
        }
        if (sizes.length == 0) {
            return batch
                    ? "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length"
                            + " greater than or equal to 1"
                    : "Record is required";
        }
        if (sizes.length > MAX_RECORDS) {
            return "1 validation error detected: Value at 'records' failed to satisfy constraint: Member must have length"
                    + " less than or equal to " + MAX_RECORDS + " (was " + sizes.length + ")";
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] > MAX_RECORD_BYTES) {
                return "1 validation error detected: Value at 'records." + (i + 1) + ".member.data' failed to satisfy"
                        + " constraint: Member must have length less than or equal to " + MAX_RECORD_BYTES + " (was "
                        + sizes[i] + ")";
            }
        }
        if (totalBytes > MAX_BATCH_BYTES) {
            return "Records size exceeds 4 MB limit: " + totalBytes + " bytes > " + MAX_BATCH_BYTES;
        }
        return null;
    }

    private static @Nullable Fault drawFault(FaultPlan plan, SplittableRandom random) {
        if (random.nextDouble() < plan.connectionResetRate()) {
            return Fault.connectionReset();
        }
        if (random.nextDouble() < plan.throttleRate()) {
            return Fault.throttle();
        }
        if (random.nextDouble() < plan.serverErrorRate()) {
            return Fault.serverError();
        }
        return null;
    }

    private static Duration drawLatency(FaultPlan plan, SplittableRandom random) {
        Duration latency = drawBetween(plan.minLatency(), plan.maxLatency(), random);
        // Drawn only when spikes are on, so that plans without them see the same draws as before spikes existed.
        if (plan.latencySpikeRate() > 0 && random.nextDouble() < plan.latencySpikeRate()) {
            latency = latency.plus(drawBetween(plan.minLatencySpike(), plan.maxLatencySpike(), random));
        }
        return latency;
    }

    private static Duration drawBetween(Duration least, Duration most, SplittableRandom random) {
        long min = least.toNanos();
        long max = most.toNanos();
        return max == 0 ? Duration.ZERO : Duration.ofNanos(min == max ? min : random.nextLong(min, max + 1));
    }

    private static byte[] batchAnswer(String[] recordIds, String[] errorCodes, int failedCount, boolean encrypted) {
        return FirehoseJson.render(
                json -> {
                    json.writeStartObject();
                    json.writeNumberField("FailedPutCount", failedCount);
                    json.writeBooleanField("Encrypted", encrypted);
                    json.writeArrayFieldStart("RequestResponses");
                    for (int i = 0; i < recordIds.length; i++) {
                        json.writeStartObject();
                        if (errorCodes[i] != null) {
                            json.writeStringField("ErrorCode", errorCodes[i]);
                            json.writeStringField("ErrorMessage", "Injected record failure");
                        } else {
                            json.writeStringField("RecordId", recordIds[i]);
                        }
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                    json.writeEndObject();
                },
                48 + recordIds.length * 56);
    }

    private void describe(Call call, byte[] body, int length) {
        FirehoseJson.Input input;
        try {
            input = FirehoseJson.parse(body, length, null, false);
        } catch (FirehoseJson.MalformedRequestException e) {
            reject(call, 400, "SerializationException", String.valueOf(e.getMessage()), Subject.NONE);
            return;
        }
        String name = input.streamName();
        Subject subject = new Subject(name, 0, 0);
        LocalStream stream = name == null ? null : server.stream(name);
        if (stream == null) {
            reject(call, 400, "ResourceNotFoundException", notFound(name), subject);
            return;
        }
        StreamPosture posture = stream.posture();
        byte[] answer = FirehoseJson.render(
                json -> {
                    json.writeStartObject();
                    json.writeObjectFieldStart("DeliveryStreamDescription");
                    json.writeStringField("DeliveryStreamName", stream.name);
                    json.writeStringField("DeliveryStreamARN", stream.arn);
                    json.writeStringField("DeliveryStreamStatus", posture.status());
                    json.writeStringField("DeliveryStreamType", "DirectPut");
                    json.writeStringField("VersionId", "1");
                    json.writeNumberField("CreateTimestamp", stream.createdAt.getEpochSecond());
                    json.writeObjectFieldStart("DeliveryStreamEncryptionConfiguration");
                    if (posture.encryptionKeyArn() != null) {
                        json.writeStringField("KeyARN", posture.encryptionKeyArn());
                    }
                    if (posture.encryptionKeyType() != null) {
                        json.writeStringField("KeyType", posture.encryptionKeyType());
                    }
                    json.writeStringField("Status", posture.encryptionStatus());
                    json.writeEndObject();
                    json.writeArrayFieldStart("Destinations");
                    json.writeStartObject();
                    json.writeStringField("DestinationId", "destinationId-000000000001");
                    json.writeObjectFieldStart("ExtendedS3DestinationDescription");
                    json.writeStringField(
                            "RoleARN", "arn:aws:iam::" + server.accountId() + ":role/local-firehose-delivery");
                    json.writeStringField(
                            "BucketARN", "arn:aws:s3:::local-firehose-" + stream.name.toLowerCase(Locale.ROOT));
                    json.writeObjectFieldStart("BufferingHints");
                    json.writeNumberField("SizeInMBs", 5);
                    json.writeNumberField("IntervalInSeconds", 60);
                    json.writeEndObject();
                    json.writeStringField("CompressionFormat", "UNCOMPRESSED");
                    json.writeObjectFieldStart("EncryptionConfiguration");
                    if (posture.s3KmsKeyArn() != null) {
                        json.writeObjectFieldStart("KMSEncryptionConfig");
                        json.writeStringField("AWSKMSKeyARN", posture.s3KmsKeyArn());
                        json.writeEndObject();
                    } else {
                        json.writeStringField("NoEncryptionConfig", "NoEncryption");
                    }
                    json.writeEndObject();
                    json.writeObjectFieldStart("CloudWatchLoggingOptions");
                    json.writeBooleanField("Enabled", posture.errorLogging());
                    if (posture.errorLogging()) {
                        json.writeStringField("LogGroupName", "/aws/kinesisfirehose/" + stream.name);
                        json.writeStringField("LogStreamName", "DestinationDelivery");
                    }
                    json.writeEndObject();
                    json.writeEndObject();
                    json.writeEndObject();
                    json.writeEndArray();
                    json.writeBooleanField("HasMoreDestinations", false);
                    json.writeEndObject();
                    json.writeEndObject();
                },
                1024);
        capture(call, subject, "OK", List.of());
        respond(call, new Answer(200, answer, null, Duration.ZERO));
    }

    private void reject(Call call, int status, String code, String message, Subject subject) {
        capture(call, subject, code, List.of());
        respond(call, new Answer(status, FirehoseJson.error(code, message), code, Duration.ZERO));
    }

    private void capture(Call call, Subject subject, String outcome, List<Integer> failedIndexes) {
        capture(call, subject, outcome, failedIndexes, Duration.ZERO);
    }

    private void capture(
            Call call, Subject subject, String outcome, List<Integer> failedIndexes, Duration answerDelay) {
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
    private void respond(Call call, Answer answer) {
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
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Drops the connection with a TCP reset: no TLS close_notify, no response. */
    // Netty reports write and close failures through exceptionCaught; the returned futures need no handling.
    @SuppressWarnings("FutureReturnValueIgnored")
    private static void reset(ChannelHandlerContext ctx) {
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
        SslHandler tls = ctx.pipeline().get(SslHandler.class);
        if (tls != null) {
            ctx.pipeline().remove(tls);
        }
        ctx.channel().close();
    }

    void pause() {
        synchronized (pauseLock) {
            pausing = true;
        }
    }

    void resume() {
        List<Runnable> release;
        synchronized (pauseLock) {
            pausing = false;
            release = new ArrayList<>(paused);
            paused.clear();
        }
        release.forEach(Runnable::run);
    }

    int pausedCount() {
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
