package io.securefirehose.internal.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.internal.producer.FakeTransport;
import io.securefirehose.internal.wire.FirehoseAnswers;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;

/** Which failures of a whole call are worth another attempt. */
class RequestFailureTest {

    @ParameterizedTest(name = "{1} (HTTP {0}) retriable={2} throttled={3}")
    @CsvSource({
        "500, ServiceUnavailableException, true, true",
        "503, ServiceUnavailable, true, false",
        "500, InternalFailure, true, false",
        "502, BadGateway, true, false",
        "400, ThrottlingException, true, true",
        "400, LimitExceededException, true, true",
        "429, TooManyRequests, true, true",
        "400, ResourceNotFoundException, false, false",
        "400, InvalidArgumentException, false, false",
        "400, InvalidKMSResourceException, false, false",
        "400, InvalidSourceException, false, false",
        "400, AccessDeniedException, false, false",
        "400, UnrecognizedClientException, false, false",
        "400, InvalidSignatureException, false, false",
        "403, MissingAuthenticationTokenException, false, false",
    })
    void serviceErrorsAreClassifiedByCodeAndStatus(int status, String code, boolean retriable, boolean throttled) {
        RequestFailure failure =
                RequestFailure.classify(new CompletionException(FakeTransport.serviceError(status, code)));
        assertThat(failure.code()).isEqualTo(code);
        assertThat(failure.retriable()).isEqualTo(retriable);
        assertThat(failure.throttled()).isEqualTo(throttled);
    }

    @Test
    void errorsWithoutAwsDetailsAreClassifiedByStatus() {
        RequestFailure noDetails =
                RequestFailure.classify(software.amazon.awssdk.awscore.exception.AwsServiceException.builder()
                        .statusCode(503)
                        .build());
        assertThat(noDetails.code()).isEqualTo("HTTP503");
        assertThat(noDetails.retriable()).isTrue();
        RequestFailure plain =
                RequestFailure.classify(software.amazon.awssdk.core.exception.SdkServiceException.builder()
                        .statusCode(429)
                        .message("slow down")
                        .build());
        assertThat(plain.code()).isEqualTo("HTTP429");
        assertThat(plain.throttled()).isTrue();
        RequestFailure forbidden =
                RequestFailure.classify(software.amazon.awssdk.core.exception.SdkServiceException.builder()
                        .statusCode(403)
                        .build());
        assertThat(forbidden.retriable()).isFalse();
        assertThat(forbidden.throttled()).isFalse();
        RequestFailure badGateway =
                RequestFailure.classify(software.amazon.awssdk.core.exception.SdkServiceException.builder()
                        .statusCode(502)
                        .build());
        assertThat(badGateway.retriable()).isTrue();
        assertThat(badGateway.throttled()).isFalse();
    }

    @Test
    void wrappedFailuresAreUnwrapped() {
        RequestFailure failure = RequestFailure.classify(new java.util.concurrent.ExecutionException(
                new CompletionException(FakeTransport.serviceError(400, "ResourceNotFoundException"))));
        assertThat(failure.code()).isEqualTo("ResourceNotFoundException");
    }

    @Test
    void connectionFailuresAndTimeoutsAreRetriable() {
        RequestFailure reset = RequestFailure.classify(
                SdkClientException.create("Unable to execute", new IOException("Connection reset")));
        assertThat(reset.code()).isEqualTo("ConnectionError");
        assertThat(reset.retriable()).isTrue();
        assertThat(RequestFailure.classify(ApiCallAttemptTimeoutException.create(1000))
                        .code())
                .isEqualTo("RequestTimeout");
        assertThat(RequestFailure.classify(ApiCallTimeoutException.create(1000)).retriable())
                .isTrue();
    }

    @Test
    void otherClientSideFailuresAreNotRetried() {
        RequestFailure failure = RequestFailure.classify(new IllegalArgumentException("bad input"));
        assertThat(failure.code()).isEqualTo("ClientError");
        assertThat(failure.retriable()).isFalse();
        assertThat(failure.message()).contains("IllegalArgumentException").contains("bad input");
    }

    @Test
    void aMalformedResponseIsRetried() {
        RequestFailure failure = RequestFailure.malformedResponse("1 results for 2 records");
        assertThat(failure.retriable()).isTrue();
        assertThat(failure.message()).isEqualTo("malformed PutRecordBatch response: 1 results for 2 records");
        assertThat(failure.cause()).isInstanceOf(FirehoseAnswers.MalformedResponseException.class);
        assertThat(RequestFailure.classify(failure.cause())).isEqualTo(failure);
    }
}
