package io.securefirehose.testkit.internal;

import io.netty.buffer.ByteBuf;
import io.securefirehose.testkit.Fault;
import io.securefirehose.testkit.FaultPlan;
import io.securefirehose.testkit.StreamPosture;
import io.securefirehose.testkit.internal.FirehoseHandler.Answer;
import io.securefirehose.testkit.internal.FirehoseHandler.Call;
import io.securefirehose.testkit.internal.FirehoseHandler.Subject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * Firehose's operations as LocalFirehose serves them: {@code PutRecordBatch} and {@code PutRecord} (limits, quotas,
 * scripted and planned faults, per-record failures, the answer) and {@code DescribeDeliveryStream}. Called by the
 * request handler on the connection's event-loop thread, with the call's signature already checked.
 */
final class FirehoseOperations {

    static final int MAX_RECORDS = 500;
    static final int MAX_RECORD_BYTES = 1_024_000;
    static final int MAX_BATCH_BYTES = 4 * 1024 * 1024;

    private final ServerState server;
    private final FirehoseHandler exchange;

    FirehoseOperations(ServerState server, FirehoseHandler exchange) {
        this.server = server;
        this.exchange = exchange;
    }

    /** As IAM, before the request is validated: answers AccessDeniedException when the session policy says no. */
    private boolean deniedByTheSession(Call call, @Nullable String streamName, Subject subject) {
        String denial = server.denial(
                call.signer(),
                "firehose:" + call.action(),
                server.streamArn(streamName == null ? "" : streamName),
                Map.of("aws:SourceIp", FirehoseHandler.sourceIp(call)));
        if (denial != null) {
            exchange.reject(call, 400, "AccessDeniedException", denial, subject);
        }
        return denial != null;
    }

    void put(Call call, byte[] body, int length, String recordsField) {
        FirehoseJson.Input input;
        try {
            input = FirehoseJson.parse(body, length, recordsField, server.keepsRecordData());
        } catch (FirehoseJson.MalformedRequestException e) {
            exchange.reject(call, 400, "SerializationException", String.valueOf(e.getMessage()), Subject.NONE);
            return;
        }
        String streamName = input.streamName();
        int[] sizes = input.sizes();
        Subject subject = new Subject(streamName, input.count(), input.totalBytes());
        if (deniedByTheSession(call, streamName, subject)) {
            return;
        }
        String invalid = validate(streamName, sizes, subject.recordBytes(), "Records".equals(recordsField));
        if (invalid != null) {
            exchange.reject(call, 400, "InvalidArgumentException", invalid, subject);
            return;
        }
        LocalStream stream = streamName == null ? null : server.stream(streamName);
        if (stream == null) {
            exchange.reject(call, 400, "ResourceNotFoundException", notFound(streamName), subject);
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
                    exchange.capture(call, subject, "CONNECTION_RESET", List.of());
                    FirehoseHandler.reset(call.ctx());
                    return;
                }
                case THROTTLE, SERVER_ERROR, ERROR -> {
                    String message =
                            fault.kind() == Fault.Kind.THROTTLE ? "Slow down." : "Injected fault: " + fault.errorCode();
                    exchange.reject(call, fault.status(), fault.errorCode(), message, subject);
                    return;
                }
                case ANSWER -> {
                    exchange.capture(call, subject, "ANSWER", List.of());
                    exchange.respond(
                            call,
                            new Answer(
                                    fault.status(),
                                    fault.body().getBytes(StandardCharsets.UTF_8),
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
            exchange.reject(
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
            exchange.reject(call, 500, errorCodes[0], "Injected record failure", subject);
            return;
        }
        String[] recordIds = stream.accept(call.sequence(), sizes, input.data(), failed, server.instanceId());
        boolean lost = fault == null
                ? plan.lostResponseRate() > 0 && random.nextDouble() < plan.lostResponseRate()
                : fault.kind() == Fault.Kind.LOST_RESPONSE;
        if (lost) {
            // Stored, but the client never hears so: it will send the records again.
            exchange.capture(call, subject, "LOST_RESPONSE", failedIndexes);
            FirehoseHandler.reset(call.ctx());
            return;
        }
        exchange.capture(call, subject, "OK", failedIndexes, delay);
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
        exchange.respond(call, new Answer(200, answer, null, delay));
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

    void describe(Call call, byte[] body, int length) {
        FirehoseJson.Input input;
        try {
            input = FirehoseJson.parse(body, length, null, false);
        } catch (FirehoseJson.MalformedRequestException e) {
            exchange.reject(call, 400, "SerializationException", String.valueOf(e.getMessage()), Subject.NONE);
            return;
        }
        String name = input.streamName();
        Subject subject = new Subject(name, 0, 0);
        if (deniedByTheSession(call, name, subject)) {
            return;
        }
        LocalStream stream = name == null ? null : server.stream(name);
        if (stream == null) {
            exchange.reject(call, 400, "ResourceNotFoundException", notFound(name), subject);
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
                            "RoleARN",
                            "arn:" + server.partition() + ":iam::" + server.accountId()
                                    + ":role/local-firehose-delivery");
                    json.writeStringField(
                            "BucketARN",
                            "arn:" + server.partition() + ":s3:::local-firehose-"
                                    + stream.name.toLowerCase(Locale.ROOT));
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
        exchange.capture(call, subject, "OK", List.of());
        exchange.respond(call, new Answer(200, answer, null, Duration.ZERO));
    }

    /**
     * The answers of the acknowledge-only mode, which load benchmarks use to measure a client alone: every
     * {@code PutRecordBatch} is accepted as it arrives, without a signature check, base64 decoding, quota or capture, as a
     * remote Firehose costs the client's host nothing. The records are counted, not parsed: the body is
     * {@code {"DeliveryStreamName":..,"Records":[{"Data":..},..]}}, and neither a stream name nor base64 holds a brace,
     * so a call carries one record per opening brace after the first. Answers are rendered once per record count and
     * shared; safe on every event-loop thread.
     */
    static final class AcknowledgingAnswers {

        private final String instanceId;
        private final AtomicReferenceArray<byte[]> byCount =
                new AtomicReferenceArray<>(FirehoseOperations.MAX_RECORDS + 1);

        AcknowledgingAnswers(String instanceId) {
            this.instanceId = instanceId;
        }

        /** The number of records in a {@code PutRecordBatch} body, read without copying it. */
        static int countRecords(ByteBuf body) {
            int[] braces = {0};
            body.forEachByte(b -> {
                if (b == '{') {
                    braces[0]++;
                }
                return true;
            });
            return Math.max(0, braces[0] - 1);
        }

        /**
         * The all-accepted answer to a call of {@code count} records, or an empty array if Firehose would refuse the
         * count (the call is then served in full, and refused as Firehose would).
         */
        byte[] answer(int count) {
            if (count < 1 || count > FirehoseOperations.MAX_RECORDS) {
                return new byte[0];
            }
            byte[] answer = byCount.get(count);
            if (answer == null) {
                answer = render(count);
                byCount.set(count, answer);
            }
            return answer;
        }

        private byte[] render(int count) {
            StringBuilder json = new StringBuilder(64 + count * 48)
                    .append("{\"FailedPutCount\":0,\"Encrypted\":false,\"RequestResponses\":[");
            for (int i = 0; i < count; i++) {
                // Shaped like the ids LocalFirehose issues when it stores records, so the client reads the same bytes.
                json.append(i == 0 ? "" : ",")
                        .append("{\"RecordId\":\"")
                        .append(instanceId)
                        .append("ac")
                        .append(Integer.toHexString(count))
                        .append('x')
                        .append(Integer.toHexString(i))
                        .append("\"}");
            }
            return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
