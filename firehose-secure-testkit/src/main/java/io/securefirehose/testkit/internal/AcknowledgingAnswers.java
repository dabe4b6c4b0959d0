package io.securefirehose.testkit.internal;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * The answers of the acknowledge-only mode, which load benchmarks use to measure a client alone: every
 * {@code PutRecordBatch} is accepted as it arrives, without a signature check, base64 decoding, quota or capture, as a
 * remote Firehose costs the client's host nothing. The records are counted, not parsed: the body is
 * {@code {"DeliveryStreamName":..,"Records":[{"Data":..},..]}}, and neither a stream name nor base64 holds a brace,
 * so a call carries one record per opening brace after the first. Answers are rendered once per record count and
 * shared; safe on every event-loop thread.
 */
final class AcknowledgingAnswers {

    private final String instanceId;
    private final AtomicReferenceArray<byte[]> byCount = new AtomicReferenceArray<>(FirehoseOperations.MAX_RECORDS + 1);

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

    /** The all-accepted answer to a call of {@code count} records, or null if Firehose would refuse the count. */
    byte @Nullable [] answer(int count) {
        if (count < 1 || count > FirehoseOperations.MAX_RECORDS) {
            return null;
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
