package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.internal.wire.FirehoseAnswers;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkServiceException;

/**
 * Why a whole {@code PutRecordBatch} call failed, and whether that is worth another attempt.
 *
 * <p>Retriable: {@code ServiceUnavailableException} and other throttling (HTTP 429 included), any HTTP 5xx,
 * connection failures and timeouts. Everything else (the stream does not exist, invalid argument, KMS key
 * unusable, access denied, bad signature) fails the records at once: repeating the call would not help.
 */
@API(status = INTERNAL, since = "0.1.0")
public record RequestFailure(String code, String message, boolean retriable, boolean throttled, Throwable cause) {

    /** Per-record error codes Firehose documents; both are transient. */
    static final Set<String> RETRIABLE_RECORD_ERRORS = Set.of("ServiceUnavailableException", "InternalFailure");

    private static final Set<String> THROTTLING_CODES = Set.of(
            "ServiceUnavailableException",
            "ThrottlingException",
            "Throttling",
            "TooManyRequestsException",
            "LimitExceededException",
            "RequestLimitExceeded",
            "SlowDown");

    public static RequestFailure classify(Throwable failure) {
        Throwable error = unwrap(failure);
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FirehoseSecureException secure) {
                // Already typed (a refused TLS handshake, unavailable credentials): keep it as it is.
                return new RequestFailure(
                        secure.getClass().getSimpleName(),
                        String.valueOf(secure.getMessage()),
                        secure.isRetriable(),
                        false,
                        secure);
            }
        }
        if (error instanceof FirehoseAnswers.MalformedResponseException malformed) {
            return malformedResponse(malformed);
        }
        if (error instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details != null && details.errorCode() != null
                    ? details.errorCode()
                    : "HTTP" + service.statusCode();
            String message = details != null && details.errorMessage() != null ? details.errorMessage() : "";
            boolean throttled =
                    THROTTLING_CODES.contains(code) || service.isThrottlingException() || service.statusCode() == 429;
            boolean retriable = throttled || service.statusCode() >= 500;
            return new RequestFailure(code, message, retriable, throttled, service);
        }
        if (error instanceof SdkServiceException service) {
            boolean throttled = service.isThrottlingException() || service.statusCode() == 429;
            return new RequestFailure(
                    "HTTP" + service.statusCode(),
                    String.valueOf(service.getMessage()),
                    throttled || service.statusCode() >= 500,
                    throttled,
                    service);
        }
        if (error instanceof ApiCallAttemptTimeoutException
                || error instanceof ApiCallTimeoutException
                || hasCause(error, TimeoutException.class)) {
            return new RequestFailure("RequestTimeout", String.valueOf(error.getMessage()), true, false, error);
        }
        if (hasCause(error, IOException.class)) {
            return new RequestFailure("ConnectionError", String.valueOf(error.getMessage()), true, false, error);
        }
        return new RequestFailure(
                "ClientError", error.getClass().getSimpleName() + ": " + error.getMessage(), false, false, error);
    }

    /** A response whose shape does not match the request: retried, because it says nothing reliable. */
    public static RequestFailure malformedResponse(String detail) {
        return malformedResponse(FirehoseAnswers.malformed(detail, null));
    }

    private static RequestFailure malformedResponse(FirehoseAnswers.MalformedResponseException malformed) {
        return new RequestFailure("MalformedResponse", String.valueOf(malformed.getMessage()), true, false, malformed);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable error = failure;
        while ((error instanceof CompletionException || error instanceof ExecutionException)
                && error.getCause() != null) {
            error = error.getCause();
        }
        return error;
    }

    private static boolean hasCause(Throwable error, Class<? extends Throwable> type) {
        for (@Nullable Throwable t = error; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
