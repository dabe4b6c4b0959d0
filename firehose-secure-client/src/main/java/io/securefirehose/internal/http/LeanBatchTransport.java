package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ScheduledFuture;
import io.securefirehose.ProducerConfig;
import io.securefirehose.internal.aws.UserAgent;
import io.securefirehose.internal.tls.SecureConnector;
import io.securefirehose.internal.tls.SecureHttpClient;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.BodyBuffers;
import io.securefirehose.internal.wire.FirehoseAnswers;
import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.internal.wire.PutRecordBatchBody;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apiguardian.api.API;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * {@link BatchTransport} that writes the {@code PutRecordBatch} request itself and keeps the AWS SDK for what the
 * SDK does well: credentials (assumed roles included) and SigV4 signing with the SDK's signer (body hash included).
 * The exchange runs on this project's own HTTP/1.1 connections ({@link Http1Connections}), opened under the TLS
 * policy and address pinning by {@link SecureConnector}: each is used only after its handshake has completed and
 * been checked, carries one request at a time in one write (head and body), and is kept alive between calls.
 *
 * <p>Per call: one body array from a pool ({@link PutRecordBatchBody}), one signature, one write; the answer is
 * read with a streaming JSON parser ({@link FirehoseAnswers}) into the same {@link BatchResponse}, and error answers
 * into the same SDK exceptions, as {@link SdkBatchTransport}. {@link #send} does not block (unless the credentials
 * provider does, as it would for the SDK client); futures complete on a Netty event loop.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class LeanBatchTransport implements BatchTransport {

    private static final String TARGET = "Firehose_20150804.PutRecordBatch";
    private static final String USER_AGENT = UserAgent.SUFFIX + " lean-putrecordbatch";

    private final SecureConnector connector;
    private final Http1Connections connections;
    /** Whether closing this transport closes the connections: not when a client's streams share them. */
    private final boolean ownsConnections;

    private final AwsCredentialsProvider credentials;
    private final URI uri;
    private final String hostHeader;
    private final String signingRegion;
    private final Duration requestTimeout;
    private final PutRecordBatchBody bodies;
    private final BodyBuffers buffers;
    /** Arrays the answers are gathered into, given back once an answer is parsed. */
    private final BodyBuffers answers;

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    LeanBatchTransport(
            SecureConnector connector,
            AwsCredentialsProvider credentials,
            String signingRegion,
            String deliveryStreamName,
            Duration requestTimeout,
            int maxInFlightRequests) {
        this(
                new Pool(connector, maxInFlightRequests),
                true,
                credentials,
                signingRegion,
                deliveryStreamName,
                requestTimeout,
                maxInFlightRequests);
    }

    /** On a pool of its own (closed with it), or on the pool of a client's endpoint (left open). */
    private LeanBatchTransport(
            Pool pool,
            boolean ownsConnections,
            AwsCredentialsProvider credentials,
            String signingRegion,
            String deliveryStreamName,
            Duration requestTimeout,
            int maxInFlightRequests) {
        this.connector = pool.connector;
        this.answers = pool.answers;
        this.connections = pool.connections;
        this.ownsConnections = ownsConnections;
        this.credentials = credentials;
        URI endpoint = connector.endpoint();
        this.uri = endpoint.resolve("/");
        int port = endpoint.getPort();
        this.hostHeader = port < 0 || port == 443 ? endpoint.getHost() : endpoint.getHost() + ":" + port;
        this.signingRegion = signingRegion;
        this.requestTimeout = requestTimeout;
        this.bodies = new PutRecordBatchBody(deliveryStreamName);
        this.buffers = new BodyBuffers(maxInFlightRequests + 1);
    }

    /**
     * A stream's transport on a client's shared pool: closing it leaves the pool open.
     *
     * @param pool the pool of the client's Firehose endpoint
     * @param config the stream's configuration
     */
    static LeanBatchTransport onPool(Pool pool, ProducerConfig config, AwsCredentialsProvider credentials) {
        return new LeanBatchTransport(
                pool,
                false,
                credentials,
                config.region().id(),
                config.deliveryStreamName(),
                config.requestTimeout(),
                config.maxInFlightRequests());
    }

    /** The connections to one Firehose endpoint that a client's streams share; closing it closes them. */
    static final class Pool implements AutoCloseable {
        final SecureConnector connector;
        final BodyBuffers answers;
        final Http1Connections connections;

        Pool(SecureConnector connector, int maxConnections) {
            this.connector = connector;
            this.answers = new BodyBuffers(maxConnections + 1);
            this.connections = new Http1Connections(connector, maxConnections, answers, System::nanoTime);
        }

        @Override
        public void close() {
            connections.close(); // and the connector
        }
    }

    public static LeanBatchTransport create(
            ProducerConfig config, SecurityEvents events, AwsCredentialsProvider credentials) {
        SecureConnector connector = SecureConnector.create(
                "firehose-secure-io-" + config.deliveryStreamName(),
                config.firehoseEndpoint(),
                new SecureHttpClient.Rules(
                        config.trustMaterial(), config.tlsPolicy(), config.allowedCidrs(), config.hostResolver()),
                config.tlsEngine(),
                events);
        return new LeanBatchTransport(
                connector,
                credentials,
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
            return CompletableFuture.failedFuture(connector.typedRefusalOr(e));
        }
        // The body is written here, on the caller's thread, because the records' slabs may be reused once this
        // returns; small records are base64 already, so that is mostly copying. Hashing and signing it (the
        // SHA-256 of the whole body) run on the I/O threads, so the work of several calls spreads over the cores.
        PutRecordBatchBody.Body body = bodies.write(records, buffers);
        int count = records.size();
        return identity.thenComposeAsync(id -> call(body, count, id), connector.workers())
                .handle((response, error) -> {
                    if (error != null) {
                        throw new CompletionException(connector.typedRefusalOr(error));
                    }
                    return response;
                });
    }

    private CompletableFuture<BatchResponse> call(
            PutRecordBatchBody.Body body, int count, AwsCredentialsIdentity identity) {
        return exchange(identity, body).thenApply(answer -> read(answer, body, count));
    }

    // The future returned by whenComplete only repeats the exchange's outcome, which the caller gets anyway.
    @SuppressWarnings("FutureReturnValueIgnored")
    private CompletableFuture<Http1Exchange.Answer> exchange(
            AwsCredentialsIdentity identity, PutRecordBatchBody.Body body) {
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Host", hostHeader)
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
        ByteBuf request = Unpooled.wrappedBuffer(
                Unpooled.wrappedBuffer(RequestHead.of(signed)), Unpooled.wrappedBuffer(body.bytes(), 0, body.length()));
        Http1Exchange.Call call = connections.exchange(request);
        ScheduledFuture<?> timeout = connector.schedule(
                () -> call.fail(ApiCallTimeoutException.create(requestTimeout.toMillis())), requestTimeout);
        call.result.whenComplete((ignored, error) -> timeout.cancel(false));
        return call.result;
    }

    private BatchResponse read(Http1Exchange.Answer answer, PutRecordBatchBody.Body body, int count) {
        if (!answer.response().isSuccessful()) {
            throw new CompletionException(FirehoseAnswers.error(answer.response(), answer.bytes(), answer.length()));
        }
        BatchResponse response = FirehoseAnswers.batch(answer.bytes(), answer.length(), count)
                .withRequestId(answer.response()
                        .firstMatchingHeader("x-amzn-RequestId")
                        .orElse(null));
        // Parsed into strings: nothing reads the answer's array any more.
        answers.release(answer.bytes());
        // Firehose answers per record only after reading the whole body, so nothing reads this array any more.
        // After any other outcome (a timeout, a reset) the connection may still be writing it: it is not reused.
        buffers.release(body.bytes());
        return response;
    }

    @Override
    public void close() {
        if (ownsConnections) {
            connections.close();
        }
    }
}
