package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Reads requests and writes responses of Firehose's awsJson1.1 protocol, with a streaming parser so that a 4 MiB
 * batch is decoded in one pass.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class FirehoseJson {

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxStringLength(16 * 1024 * 1024)
                    .build())
            .build();

    private FirehoseJson() {}

    /** The body could not be read as the operation's input. */
    public static final class MalformedRequestException extends Exception {
        private static final long serialVersionUID = 1L;

        MalformedRequestException(String message) {
            super(message);
        }
    }

    /**
     * Input of {@code PutRecordBatch} and {@code PutRecord} (one record), and of {@code DescribeDeliveryStream}
     * (no records).
     *
     * @param streamName value of {@code DeliveryStreamName}, if present
     * @param sizes decoded size of each record
     * @param data decoded bytes of each record, or {@code null} when the caller asked only for sizes
     */
    @SuppressWarnings("ArrayRecordComponent") // a parse result, never compared or hashed
    public record Input(
            @Nullable String streamName,
            int[] sizes,
            @Nullable List<byte[]> data) {

        /** @return number of records */
        public int count() {
            return sizes.length;
        }

        /** @return sum of the records' decoded sizes */
        public long totalBytes() {
            long total = 0;
            for (int size : sizes) {
                total += size;
            }
            return total;
        }
    }

    /**
     * Parses a request body.
     *
     * @param body buffer holding the request body from index 0
     * @param length length of the body
     * @param recordsField {@code Records} (array), {@code Record} (single object) or {@code null} for none
     * @param keepData whether to decode and return the records' bytes; without it only their sizes are computed
     *     (the base64 is still checked), which a load test that keeps nothing does not need to pay for
     * @return what the body holds
     * @throws MalformedRequestException if the body is not valid JSON of the expected shape
     */
    public static Input parse(byte[] body, int length, @Nullable String recordsField, boolean keepData)
            throws MalformedRequestException {
        String streamName = null;
        RecordSink sink = new RecordSink(keepData);
        try (JsonParser parser = JSON.createParser(body, 0, length)) {
            expect(parser.nextToken(), JsonToken.START_OBJECT, "request body");
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("DeliveryStreamName".equals(field)) {
                    expect(value, JsonToken.VALUE_STRING, "DeliveryStreamName");
                    streamName = parser.getText();
                } else if ("Records".equals(field) && "Records".equals(recordsField)) {
                    expect(value, JsonToken.START_ARRAY, "Records");
                    while (parser.nextToken() == JsonToken.START_OBJECT) {
                        readRecord(parser, body, length, sink);
                    }
                    expect(parser.currentToken(), JsonToken.END_ARRAY, "Records");
                } else if ("Record".equals(field) && "Record".equals(recordsField)) {
                    expect(value, JsonToken.START_OBJECT, "Record");
                    readRecord(parser, body, length, sink);
                } else {
                    parser.skipChildren();
                }
            }
            expect(parser.currentToken(), JsonToken.END_OBJECT, "request body");
        } catch (IOException | IllegalArgumentException e) {
            throw new MalformedRequestException("cannot parse request body: " + e.getMessage());
        }
        return new Input(streamName, sink.sizes(), sink.data);
    }

    /** Collects decoded records, or only their sizes. */
    private static final class RecordSink {
        private final @Nullable List<byte[]> data;
        private int[] sizes = new int[16];
        private int count;

        RecordSink(boolean keepData) {
            this.data = keepData ? new ArrayList<>() : null;
        }

        void add(int size, byte @Nullable [] bytes) {
            if (count == sizes.length) {
                sizes = Arrays.copyOf(sizes, count * 2);
            }
            sizes[count++] = size;
            if (data != null && bytes != null) {
                data.add(bytes);
            }
        }

        int[] sizes() {
            return Arrays.copyOf(sizes, count);
        }
    }

    private static void readRecord(JsonParser parser, byte[] body, int length, RecordSink sink)
            throws IOException, MalformedRequestException {
        boolean seen = false;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ("Data".equals(field)) {
                expect(value, JsonToken.VALUE_STRING, "Data");
                readBase64(parser, body, length, sink);
                seen = true;
            } else {
                parser.skipChildren();
            }
        }
        if (!seen) {
            throw new MalformedRequestException("a record has no Data member");
        }
    }

    /**
     * Reads the base64 string the parser stands on straight from the request bytes: the parser's own base64 and
     * string building cost several times more than the rest of a call. Falls back to the parser for a string with
     * escapes, which base64 never needs.
     */
    private static void readBase64(JsonParser parser, byte[] body, int length, RecordSink sink)
            throws IOException, MalformedRequestException {
        long quote = parser.currentTokenLocation().getByteOffset();
        if (quote >= 0 && quote < length && body[(int) quote] == '"') {
            int start = (int) quote + 1;
            int end = start;
            while (end < length && body[end] != '"' && body[end] != '\\') {
                end++;
            }
            if (end < length && body[end] == '"') {
                if (sink.data == null) {
                    sink.add(decodedLength(body, start, end), null);
                } else {
                    byte[] decoded = Base64.getDecoder().decode(Arrays.copyOfRange(body, start, end));
                    sink.add(decoded.length, decoded);
                }
                return;
            }
        }
        byte[] decoded = Base64.getDecoder().decode(parser.getText());
        sink.add(decoded.length, decoded);
    }

    private static final boolean[] BASE64_ALPHABET = new boolean[128];

    static {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            BASE64_ALPHABET[alphabet.charAt(i)] = true;
        }
    }

    /** Size of the bytes a base64 text decodes to, checking it as {@link Base64#getDecoder()} would. */
    static int decodedLength(byte[] text, int start, int end) throws MalformedRequestException {
        int padding = 0;
        while (end - padding > start && padding < 2 && text[end - padding - 1] == '=') {
            padding++;
        }
        int symbols = end - start - padding;
        for (int i = start; i < start + symbols; i++) {
            int c = text[i];
            if (c < 0 || !BASE64_ALPHABET[c]) {
                throw new MalformedRequestException("Data is not base64: illegal character at offset " + i);
            }
        }
        if (symbols % 4 == 1 || (padding > 0 && (symbols + padding) % 4 != 0)) {
            throw new MalformedRequestException("Data is not base64: wrong length or padding");
        }
        return (int) ((long) symbols * 6 / 8);
    }

    private static void expect(@Nullable JsonToken actual, JsonToken expected, String what)
            throws MalformedRequestException {
        if (actual != expected) {
            throw new MalformedRequestException(what + ": expected " + expected + ", found " + actual);
        }
    }

    /** Writes a JSON document. */
    public interface Body {
        void write(JsonGenerator json) throws IOException;
    }

    /**
     * Renders a JSON document to bytes.
     *
     * @param body writes the document
     * @param sizeHint expected size in bytes
     * @return UTF-8 JSON
     */
    public static byte[] render(Body body, int sizeHint) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(sizeHint);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The body of an error answer.
     *
     * @param code AWS error code
     * @param message human-readable message
     * @return UTF-8 JSON
     */
    public static byte[] error(String code, String message) {
        return render(
                json -> {
                    json.writeStartObject();
                    json.writeStringField("__type", code);
                    json.writeStringField("message", message);
                    json.writeEndObject();
                },
                64 + message.length());
    }
}
