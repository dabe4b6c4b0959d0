package io.securefirehose.internal.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.errors.EndpointPolicyViolationException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;

/**
 * What {@link EndpointGuard} lets through to the client that opens connections, and what it passes on unchanged:
 * requests to its own endpoint (port 443 when the endpoint names none, the host in any case) reach the delegate;
 * every other request is refused and counted; the guard's name and close are the delegate's. The refusals end to
 * end, through every client the producer builds, are in {@code EndpointGuardTest}.
 */
class EndpointGuardDelegationTest {

    private final List<String> delegated = new ArrayList<>();
    private final AtomicBoolean delegateClosed = new AtomicBoolean();
    private final SecurityEvents events = new SecurityEvents();

    private final SdkAsyncHttpClient delegate = new SdkAsyncHttpClient() {
        @Override
        public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
            delegated.add(request.request().getUri().toString());
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public String clientName() {
            return "DelegateForTest";
        }

        @Override
        public void close() {
            delegateClosed.set(true);
        }
    };

    private final List<Throwable> handlerErrors = new ArrayList<>();

    private AsyncExecuteRequest request(String protocol, String host, int port) {
        SdkHttpFullRequest http = SdkHttpFullRequest.builder()
                .method(SdkHttpMethod.POST)
                .protocol(protocol)
                .host(host)
                .port(port)
                .encodedPath("/")
                .build();
        return AsyncExecuteRequest.builder()
                .request(http)
                .responseHandler(new SdkAsyncHttpResponseHandler() {
                    @Override
                    public void onHeaders(SdkHttpResponse headers) {}

                    @Override
                    public void onStream(Publisher<ByteBuffer> stream) {}

                    @Override
                    public void onError(Throwable error) {
                        handlerErrors.add(error);
                    }
                })
                .build();
    }

    @Test
    void requestsToTheOwnEndpointReachTheDelegateWithPort443WhenTheEndpointNamesNone() {
        EndpointGuard guard = new EndpointGuard(delegate, URI.create("https://Firehose.Example"), events);

        assertThat(guard.execute(request("https", "firehose.example", 443))).isCompleted();
        assertThat(guard.execute(request("HTTPS", "FIREHOSE.example", 443))).isCompleted();

        assertThat(delegated).hasSize(2);
        assertThat(handlerErrors).isEmpty();
        assertThat(events.refusedRequests()).isZero();
    }

    @Test
    void anyOtherPortHostOrSchemeIsRefusedWithoutReachingTheDelegate() {
        EndpointGuard guard = new EndpointGuard(delegate, URI.create("https://firehose.example:8443"), events);

        List<CompletableFuture<Void>> refused = List.of(
                guard.execute(request("https", "firehose.example", 443)),
                guard.execute(request("https", "other.example", 8443)),
                guard.execute(request("http", "firehose.example", 8443)));

        assertThat(refused)
                .allSatisfy(future -> assertThat(future)
                        .isCompletedExceptionally()
                        .failsWithin(java.time.Duration.ZERO)
                        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
                        .withCauseInstanceOf(EndpointPolicyViolationException.class));
        assertThat(handlerErrors).hasSize(3).allMatch(e -> e instanceof EndpointPolicyViolationException);
        assertThat(delegated).isEmpty();
        assertThat(events.refusedRequests()).isEqualTo(3);
        assertThat(guard.execute(request("https", "firehose.example", 8443))).isCompleted();
    }

    @Test
    void theGuardsNameAndCloseAreTheDelegates() {
        EndpointGuard guard = new EndpointGuard(delegate, URI.create("https://firehose.example"), events);

        assertThat(guard.clientName()).isEqualTo("DelegateForTest");
        assertThat(delegateClosed).isFalse();
        guard.close();
        assertThat(delegateClosed).isTrue();
    }
}
