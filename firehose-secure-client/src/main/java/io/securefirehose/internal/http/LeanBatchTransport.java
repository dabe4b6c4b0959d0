package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.netty.util.concurrent.ScheduledFuture;
import io.securefirehose.ProducerConfig;
import io.securefirehose.internal.aws.UserAgent;
import io.securefirehose.internal.tls.SecureHttpClient;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.BodyBuffers;
import io.securefirehose.internal.wire.FirehoseAnswers;
import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.internal.wire.PutRecordBatchBody;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpResponseHandler;
import software.amazon.awssdk.http.async.SdkHttpContentPublisher;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * {@link BatchTransport} that writes the {@code PutRecordBatch} request itself and keeps the AWS SDK for what the
 * SDK does well: credentials (assumed roles included), SigV4 signing with the SDK's signer (body hash included),
 * and the SDK's Netty HTTP client with this project's TLS policy and address pinning ({@link SecureHttpClient}).
 *
 * <p>Per call: one body array from a pool ({@link PutRecordBatchBody}), one signature, one HTTP exchange; the
 * answer is read with a streaming JSON parser ({@link FirehoseAnswers}) into the same {@link BatchResponse}, and
 * error answers into the same SDK exceptions, as {@link SdkBatchTransport}. {@link #send} does not block (unless
 * the credentials provider does, as it would for the SDK client); futures complete on a Netty event loop.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class LeanBatchTransport implements BatchTransport {

    private static final String TARGET = "Firehose_20150804.PutRecordBatch";
    private static final String USER_AGENT = UserAgent.SUFFIX + " lean-putrecordbatch";

    private final SecureHttpClient http;
    private final AwsCredentialsProvider credentials;
    private final URI uri;
    private final String signingRegion;
    private final Duration requestTimeout;
    private final PutRecordBatchBody bodies;
    private final BodyBuffers buffers;
    /** Arrays the answers are gathered into, given back once an answer is parsed. */
    private final BodyBuffers answers;

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    LeanBatchTransport(
            SecureHttpClient http,
            AwsCredentialsProvider credentials,
            URI uri,
            String signingRegion,
            String deliveryStreamName,
            Duration requestTimeout,
            int maxInFlightRequests) {
        this.http = http;
        this.credentials = credentials;
        this.uri = uri;
        this.signingRegion = signingRegion;
        this.requestTimeout = requestTimeout;
        this.bodies = new PutRecordBatchBody(deliveryStreamName);
        this.buffers = new BodyBuffers(maxInFlightRequests + 1);
        this.answers = new BodyBuffers(maxInFlightRequests + 1);
    }

    public static LeanBatchTransport create(
            ProducerConfig config, SecurityEvents events, AwsCredentialsProvider credentials) {
        SecureHttpClient http = SecureHttpClient.forFirehose(config, events);
        return new LeanBatchTransport(
                http,
                credentials,
                http.endpoint().resolve("/"),
                config.region().id(),
                config.deliveryStreamName(),
                config.requestTimeout(),
                config.maxInFlightRequests());
    }

    @Override
    public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
        CompletableFuture<? extends AwsCredentialsIdentity> identity;
        try {
            identity = credentials.resolveIdentity();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(http.typedRefusalOr(e));
        }
        // The body is written here, on the caller's thread, because the records' slabs may be reused once this
        // returns; small records are base64 already, so that is mostly copying. Hashing and signing it (the
        // SHA-256 of the whole body) run on the I/O threads, so the work of several calls spreads over the cores.
        PutRecordBatchBody.Body body = bodies.write(records, buffers);
        int count = records.size();
        return identity.thenComposeAsync(id -> call(body, count, id), http.workers())
                .handle((response, error) -> {
                    if (error != null) {
                        throw new CompletionException(http.typedRefusalOr(error));
                    }
                    return response;
                });
    }

    private CompletableFuture<BatchResponse> call(
            PutRecordBatchBody.Body body, int count, AwsCredentialsIdentity identity) {
        return exchange(identity, body).thenApply(answer -> read(answer, body, count));
    }

    // The futures returned by whenComplete only repeat the exchange's outcome, which the caller gets anyway.
    @SuppressWarnings("FutureReturnValueIgnored")
    private CompletableFuture<Answer> exchange(AwsCredentialsIdentity identity, PutRecordBatchBody.Body body) {
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET)
                .putHeader("Content-Length", Integer.toString(body.length()))
                .putHeader("User-Agent", USER_AGENT)
                .build();
        SdkHttpRequest signed = signer.sign(r -> r.identity(identity)
                        .request(unsigned)
                        .payload(() -> new ByteArrayInputStream(body.bytes(), 0, body.length()))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion)
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "firehose"))
                .request();
        AnswerCollector answer = new AnswerCollector(answers);
        CompletableFuture<Void> exchange = http.client()
                .execute(AsyncExecuteRequest.builder()
                        .request(signed)
                        .requestContentPublisher(new BodyPublisher(body))
                        .responseHandler(answer)
                        .build());
        exchange.whenComplete((ignored, error) -> {
            if (error != null) {
                answer.fail(error);
            }
        });
        ScheduledFuture<?> timeout = http.schedule(
                () -> {
                    if (answer.fail(ApiCallTimeoutException.create(requestTimeout.toMillis()))) {
                        exchange.cancel(true);
                    }
                },
                requestTimeout);
        answer.result.whenComplete((ignored, error) -> timeout.cancel(false));
        return answer.result;
    }

    private BatchResponse read(Answer answer, PutRecordBatchBody.Body body, int count) {
        if (!answer.response().isSuccessful()) {
            throw new CompletionException(FirehoseAnswers.error(answer.response(), answer.bytes(), answer.length()));
        }
        BatchResponse response = FirehoseAnswers.batch(answer.bytes(), answer.length(), count);
        // Parsed into strings: nothing reads the answer's array any more.
        answers.release(answer.bytes());
        // Firehose answers per record only after reading the whole body, so nothing reads this array any more.
        // After any other outcome (a timeout, a reset) the connection may still be writing it: it is not reused.
        buffers.release(body.bytes());
        return response;
    }

    @Override
    public void close() {
        http.close();
    }

    /** Status, headers and bytes of one answer. */
    private static final class Answer {
        private final SdkHttpResponse response;
        private final byte[] bytes;
        private final int length;

        Answer(SdkHttpResponse response, byte[] bytes, int length) {
            this.response = response;
            this.bytes = bytes;
            this.length = length;
        }

        SdkHttpResponse response() {
            return response;
        }

        byte[] bytes() {
            return bytes;
        }

        int length() {
            return length;
        }
    }

    /**
     * The request body as a one-buffer publisher; each subscriber gets its own view. Not a read-only one: Netty cannot
     * reach the array behind a read-only buffer, so it would copy the whole body once more before TLS reads it.
     */
    private record BodyPublisher(PutRecordBatchBody.Body body) implements SdkHttpContentPublisher {

        @Override
        public Optional<Long> contentLength() {
            return Optional.of((long) body.length());
        }

        @Override
        public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
            AtomicBoolean done = new AtomicBoolean();
            subscriber.onSubscribe(new Subscription() {
                @Override
                public void request(long n) {
                    if (n <= 0) {
                        if (done.compareAndSet(false, true)) {
                            subscriber.onError(new IllegalArgumentException("request(" + n + "): must be positive"));
                        }
                    } else if (done.compareAndSet(false, true)) {
                        subscriber.onNext(ByteBuffer.wrap(body.bytes(), 0, body.length()));
                        subscriber.onComplete();
                    }
                }

                @Override
                public void cancel() {
                    done.set(true);
                }
            });
        }
    }

    /** Gathers one answer's status, headers and body (at most {@link FirehoseAnswers#MAX_ANSWER_BYTES}). */
    private static final class AnswerCollector implements SdkAsyncHttpResponseHandler {

        final CompletableFuture<Answer> result = new CompletableFuture<>();
        private final BodyBuffers arrays;
        private volatile @Nullable SdkHttpResponse response;

        AnswerCollector(BodyBuffers arrays) {
            this.arrays = arrays;
        }

        boolean fail(Throwable error) {
            return result.completeExceptionally(error);
        }

        @Override
        public void onHeaders(SdkHttpResponse headers) {
            this.response = headers;
        }

        private int initialCapacity() {
            SdkHttpResponse headers = response;
            if (headers != null) {
                try {
                    long length = headers.firstMatchingHeader("Content-Length")
                            .map(Long::parseLong)
                            .orElse(-1L);
                    if (length >= 0 && length <= FirehoseAnswers.MAX_ANSWER_BYTES) {
                        return (int) Math.max(length, 1);
                    }
                } catch (NumberFormatException ignored) {
                    // A bad length is the answer's problem, found when it is read; start small.
                }
            }
            return 8192;
        }

        @Override
        public void onStream(Publisher<ByteBuffer> stream) {
            stream.subscribe(new Subscriber<ByteBuffer>() {
                private @Nullable Subscription subscription;
                // Sized once from Content-Length when the answer has one (Firehose's do): no regrowth per call.
                private byte[] bytes = arrays.acquire(initialCapacity());
                private int length;

                @Override
                public void onSubscribe(Subscription s) {
                    subscription = s;
                    s.request(Long.MAX_VALUE);
                }

                @Override
                public void onNext(ByteBuffer chunk) {
                    int needed = length + chunk.remaining();
                    if (needed > FirehoseAnswers.MAX_ANSWER_BYTES || needed < 0) {
                        // Failed before cancelling: the cancellation fails the exchange too, with a vaguer cause.
                        fail(FirehoseAnswers.malformed(
                                "longer than " + FirehoseAnswers.MAX_ANSWER_BYTES + " bytes", null));
                        Subscription s = subscription;
                        if (s != null) {
                            s.cancel();
                        }
                        return;
                    }
                    if (needed > bytes.length) {
                        bytes = Arrays.copyOf(
                                bytes, Math.max(needed, Math.min(bytes.length * 2, FirehoseAnswers.MAX_ANSWER_BYTES)));
                    }
                    chunk.get(bytes, length, chunk.remaining());
                    length = needed;
                }

                @Override
                public void onError(Throwable error) {
                    fail(error);
                }

                @Override
                public void onComplete() {
                    SdkHttpResponse headers = response;
                    if (headers == null) {
                        fail(new IllegalStateException("the answer's body arrived before its headers"));
                    } else {
                        result.complete(new Answer(headers, bytes, length));
                    }
                }
            });
        }

        @Override
        public void onError(Throwable error) {
            fail(error);
        }
    }
}
