package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * An AWS SDK HTTP client with no network at all: it reads each request the SDK built (and, if asked, keeps its
 * headers and body) and answers HTTP 200 with fixed bytes, on the calling thread. For seeing exactly what an SDK
 * client marshals, and for measuring the SDK's own per-call work without sockets or TLS. Not for anything that
 * should test the wire: use {@link LocalFirehose} for that.
 *
 * <p>Thread-safe; the kept request is the last one completed.
 */
@API(status = STABLE, since = "0.1.0")
public final class CannedAnswerHttpClient implements SdkAsyncHttpClient {

    private final byte[] answer;
    private final boolean keepRequests;
    private volatile @Nullable Kept last;

    /** The last kept request, published as one object so that its headers and body always belong together. */
    private static final class Kept {
        final SdkHttpRequest request;
        final byte[] body;

        Kept(SdkHttpRequest request, byte[] body) {
            this.request = request;
            this.body = body;
        }
    }

    private CannedAnswerHttpClient(byte[] answer, boolean keepRequests) {
        this.answer = answer.clone();
        this.keepRequests = keepRequests;
    }

    /**
     * @param answer the body of every answer (HTTP 200)
     * @param keepRequests whether to keep the last request's headers and body (costs a copy of each body)
     * @return the client
     */
    public static CannedAnswerHttpClient answering(byte[] answer, boolean keepRequests) {
        return new CannedAnswerHttpClient(answer, keepRequests);
    }

    /** @return the last request's method, address and headers, or {@code null} (none yet, or not kept) */
    public @Nullable SdkHttpRequest lastRequest() {
        Kept kept = last;
        return kept == null ? null : kept.request;
    }

    /** @return a copy of the last request's body, empty if none was kept */
    public byte[] lastBody() {
        Kept kept = last;
        return kept == null ? new byte[0] : kept.body.clone();
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ByteArrayOutputStream body = keepRequests ? new ByteArrayOutputStream() : null;
        request.requestContentPublisher().subscribe(new Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer chunk) {
                if (body != null) {
                    byte[] bytes = new byte[chunk.remaining()];
                    chunk.get(bytes);
                    body.writeBytes(bytes);
                } else {
                    chunk.position(chunk.limit());
                }
            }

            @Override
            public void onError(Throwable error) {
                request.responseHandler().onError(error);
                done.completeExceptionally(error);
            }

            @Override
            public void onComplete() {
                if (body != null) {
                    last = new Kept(request.request(), body.toByteArray());
                }
                answer(request);
                done.complete(null);
            }
        });
        return done;
    }

    private void answer(AsyncExecuteRequest request) {
        request.responseHandler()
                .onHeaders(SdkHttpResponse.builder()
                        .statusCode(200)
                        .putHeader("Content-Type", "application/x-amz-json-1.1")
                        .putHeader("Content-Length", Integer.toString(answer.length))
                        .build());
        request.responseHandler()
                .onStream(subscriber -> subscriber.onSubscribe(new Subscription() {
                    private boolean sent;

                    @Override
                    public void request(long n) {
                        if (!sent) {
                            sent = true;
                            subscriber.onNext(ByteBuffer.wrap(answer).asReadOnlyBuffer());
                            subscriber.onComplete();
                        }
                    }

                    @Override
                    public void cancel() {
                        sent = true;
                    }
                }));
    }

    @Override
    public String clientName() {
        return "canned-answer";
    }

    @Override
    public void close() {}
}
