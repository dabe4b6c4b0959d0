package io.securefirehose.internal.wire;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.firehose.model.ConcurrentModificationException;
import software.amazon.awssdk.services.firehose.model.FirehoseException;
import software.amazon.awssdk.services.firehose.model.InvalidArgumentException;
import software.amazon.awssdk.services.firehose.model.InvalidKmsResourceException;
import software.amazon.awssdk.services.firehose.model.InvalidSourceException;
import software.amazon.awssdk.services.firehose.model.LimitExceededException;
import software.amazon.awssdk.services.firehose.model.ResourceInUseException;
import software.amazon.awssdk.services.firehose.model.ResourceNotFoundException;
import software.amazon.awssdk.services.firehose.model.ServiceUnavailableException;

/**
 * Reads Firehose's answers to {@code PutRecordBatch} with a streaming JSON parser.
 *
 * <p>A successful answer becomes a {@link BatchResponse}; anything that does not have its documented shape is a
 * {@link MalformedResponseException} (retried: it says nothing reliable about the records). An error answer
 * becomes the same exception the AWS SDK raises for it (same class, error code, message, status and request id),
 * so that the producer classifies both paths alike: the code comes from the {@code X-Amzn-ErrorType} header
 * (before any {@code ':'}), else from the body's {@code __type} or {@code code} (after any {@code '#'}); the
 * message from {@code message}, {@code Message} or {@code errorMessage}. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class FirehoseAnswers {

    /** Largest answer read: a 500-entry answer is about 100 KB; anything near this limit is not Firehose. */
    public static final int MAX_ANSWER_BYTES = 4 * 1024 * 1024;

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(16)
                    .maxStringLength(MAX_ANSWER_BYTES)
                    .build())
            .build();

    private static final Map<String, Supplier<AwsServiceException.Builder>> MODELED = Map.of(
            "ServiceUnavailableException", ServiceUnavailableException::builder,
            "InvalidArgumentException", InvalidArgumentException::builder,
            "InvalidKMSResourceException", InvalidKmsResourceException::builder,
            "InvalidSourceException", InvalidSourceException::builder,
            "ResourceNotFoundException", ResourceNotFoundException::builder,
            "ResourceInUseException", ResourceInUseException::builder,
            "LimitExceededException", LimitExceededException::builder,
            "ConcurrentModificationException", ConcurrentModificationException::builder);

    private FirehoseAnswers() {}

    /** The answer is not a {@code PutRecordBatch} answer of the documented shape. */
    public static final class MalformedResponseException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MalformedResponseException(String message, @Nullable Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Reads a successful answer.
     *
     * @param body the answer's bytes
     * @param length how many of them
     * @return per-entry outcomes, in the answer's order
     * @throws MalformedResponseException if the answer is not of the documented shape
     */
    public static BatchResponse batch(byte[] body, int length) {
        return batch(body, length, 16);
    }

    /**
     * As {@link #batch(byte[], int)}, with room made for {@code expectedEntries} entries up front (the records of
     * the call), so that a normal answer grows no list.
     */
    public static BatchResponse batch(byte[] body, int length, int expectedEntries) {
        Entries entries = new Entries(Math.max(1, expectedEntries));
        boolean encrypted = false;
        boolean sawEntries = false;
        try (JsonParser json = JSON.createParser(body, 0, length)) {
            expect(json.nextToken(), JsonToken.START_OBJECT, "the answer must be a JSON object");
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                switch (field) {
                    case "Encrypted" -> encrypted = value == JsonToken.VALUE_TRUE;
                    case "RequestResponses" -> {
                        expect(value, JsonToken.START_ARRAY, "RequestResponses must be an array");
                        sawEntries = true;
                        entries(json, entries);
                    }
                    default -> json.skipChildren();
                }
            }
            expect(json.currentToken(), JsonToken.END_OBJECT, "the answer must end with its object");
            if (json.nextToken() != null) {
                throw malformed("content after the answer's object", null);
            }
        } catch (JsonProcessingException e) {
            throw malformed("not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw malformed("unreadable: " + e.getMessage(), e);
        }
        if (!sawEntries) {
            throw malformed("RequestResponses is missing", null);
        }
        return entries.response(encrypted);
    }

    /** The entries read so far, in arrays sized for the expected count (grown only for a longer answer). */
    private static final class Entries {
        private @Nullable String[] recordIds;
        private @Nullable String[] errorCodes;
        private int count;

        Entries(int expected) {
            recordIds = new String[expected];
            errorCodes = new String[expected];
        }

        void add(@Nullable String recordId, @Nullable String errorCode) {
            if (count == recordIds.length) {
                recordIds = Arrays.copyOf(recordIds, 2 * count);
                errorCodes = Arrays.copyOf(errorCodes, 2 * count);
            }
            recordIds[count] = recordId;
            errorCodes[count] = errorCode;
            count++;
        }

        int size() {
            return count;
        }

        BatchResponse response(boolean encrypted) {
            if (count != recordIds.length) {
                recordIds = Arrays.copyOf(recordIds, count);
                errorCodes = Arrays.copyOf(errorCodes, count);
            }
            return new BatchResponse(recordIds, errorCodes, encrypted);
        }
    }

    private static void entries(JsonParser json, Entries entries) throws IOException {
        JsonToken token;
        while ((token = json.nextToken()) == JsonToken.START_OBJECT) {
            String recordId = null;
            String errorCode = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String field = json.currentName();
                JsonToken value = json.nextToken();
                if (field.equals("RecordId") && value == JsonToken.VALUE_STRING) {
                    recordId = json.getText();
                } else if (field.equals("ErrorCode") && value == JsonToken.VALUE_STRING) {
                    errorCode = json.getText();
                } else {
                    json.skipChildren();
                }
            }
            if (errorCode != null) {
                entries.add(null, errorCode);
            } else if (recordId != null) {
                entries.add(recordId, null);
            } else {
                throw malformed("entry " + entries.size() + " has neither a RecordId nor an ErrorCode", null);
            }
        }
        expect(token, JsonToken.END_ARRAY, "RequestResponses must hold only objects");
    }

    /**
     * The SDK's exception for an error answer.
     *
     * @param response the answer's status and headers
     * @param body the answer's bytes
     * @param length how many of them
     * @return the exception the SDK raises for this answer
     */
    public static AwsServiceException error(SdkHttpResponse response, byte[] body, int length) {
        ErrorBody parsed = ErrorBody.parse(body, length);
        String code = response.firstMatchingHeader("X-Amzn-ErrorType")
                .map(type -> type.indexOf(':') < 0 ? type : type.substring(0, type.indexOf(':')))
                .orElse(parsed.code());
        String requestId = response.firstMatchingHeader("x-amzn-RequestId")
                .or(() -> response.firstMatchingHeader("x-amz-request-id"))
                .orElse(null);
        Supplier<AwsServiceException.Builder> modeled = code == null ? null : MODELED.get(code);
        AwsServiceException.Builder builder = modeled != null ? modeled.get() : FirehoseException.builder();
        SdkHttpFullResponse full = SdkHttpFullResponse.builder()
                .statusCode(response.statusCode())
                .statusText(response.statusText().orElse(null))
                .headers(response.headers())
                .build();
        return builder.awsErrorDetails(AwsErrorDetails.builder()
                        .errorCode(code)
                        .errorMessage(parsed.message())
                        .serviceName("Firehose")
                        .sdkHttpResponse(full)
                        .build())
                .message(parsed.message())
                .statusCode(response.statusCode())
                .requestId(requestId)
                .build();
    }

    /** Error code and message of an error answer's body, each {@code null} when absent or unreadable. */
    private record ErrorBody(
            @Nullable String code, @Nullable String message) {

        static ErrorBody parse(byte[] body, int length) {
            String code = null;
            String message = null;
            try (JsonParser json = JSON.createParser(body, 0, length)) {
                if (json.nextToken() != JsonToken.START_OBJECT) {
                    return new ErrorBody(null, null);
                }
                while (json.nextToken() == JsonToken.FIELD_NAME) {
                    String field = json.currentName();
                    JsonToken value = json.nextToken();
                    if (value == JsonToken.VALUE_STRING) {
                        String text = json.getText();
                        switch (field) {
                            case "__type", "code" -> code = code == null ? text : code;
                            case "message", "Message", "errorMessage" -> message = message == null ? text : message;
                            default -> {}
                        }
                    } else {
                        json.skipChildren();
                    }
                }
            } catch (IOException e) {
                // An error answer that is not JSON still has its status: the code stays unknown.
                return new ErrorBody(code == null ? null : shortCode(code), message);
            }
            return new ErrorBody(code == null ? null : shortCode(code), message);
        }

        private static String shortCode(String code) {
            return code.substring(code.lastIndexOf('#') + 1);
        }
    }

    private static void expect(@Nullable JsonToken seen, JsonToken wanted, String rule) {
        if (seen != wanted) {
            throw malformed(rule + ", found " + String.valueOf(seen).toLowerCase(Locale.ROOT), null);
        }
    }

    /** The failure for an answer that is not of the documented shape; {@code detail} says how. */
    public static MalformedResponseException malformed(String detail, @Nullable Throwable cause) {
        return new MalformedResponseException("malformed PutRecordBatch response: " + detail, cause);
    }
}
