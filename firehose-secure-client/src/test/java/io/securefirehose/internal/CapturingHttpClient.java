package io.securefirehose.internal;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * An SDK HTTP client that keeps the request the SDK marshalled (headers and body) and answers with a fixed
 * {@code PutRecordBatch} answer. It stands in for the network only: it is how a test reads the SDK marshaller's
 * output byte for byte, without any address at all.
 */
final class CapturingHttpClient implements SdkAsyncHttpClient {

    private volatile SdkHttpRequest request;
    private volatile byte[] body = new byte[0];

    SdkHttpRequest request() {
        return request;
    }

    byte[] body() {
        return body;
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest execute) {
        request = execute.request();
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        CompletableFuture<Void> done = new CompletableFuture<>();
        execute.requestContentPublisher().subscribe(new Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer chunk) {
                byte[] bytes = new byte[chunk.remaining()];
                chunk.get(bytes);
                received.writeBytes(bytes);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                body = received.toByteArray();
                byte[] answer = "{\"FailedPutCount\":0,\"Encrypted\":false,\"RequestResponses\":[]}"
                        .getBytes(StandardCharsets.UTF_8);
                execute.responseHandler()
                        .onHeaders(SdkHttpResponse.builder()
                                .statusCode(200)
                                .putHeader("Content-Type", "application/x-amz-json-1.1")
                                .putHeader("Content-Length", Integer.toString(answer.length))
                                .build());
                execute.responseHandler()
                        .onStream(subscriber -> subscriber.onSubscribe(new Subscription() {
                            private boolean sent;

                            @Override
                            public void request(long n) {
                                if (!sent) {
                                    sent = true;
                                    subscriber.onNext(ByteBuffer.wrap(answer));
                                    subscriber.onComplete();
                                }
                            }

                            @Override
                            public void cancel() {
                                sent = true;
                            }
                        }));
                done.complete(null);
            }
        });
        return done;
    }

    @Override
    public String clientName() {
        return "capturing";
    }

    @Override
    public void close() {}
}
