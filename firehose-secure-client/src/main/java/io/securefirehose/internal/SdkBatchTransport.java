package io.securefirehose.internal;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.securefirehose.ProducerConfig;
import io.securefirehose.TlsPolicyViolationException;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.TlsPolicy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchRequest;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponseEntry;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * {@link BatchTransport} over the AWS SDK's {@link FirehoseAsyncClient} and its Netty HTTP client.
 *
 * <p>The SDK's own retries are off: the producer retries, per record, with its own backoff and accounting.
 * Responses complete on the Netty event loop and are handed straight to the producer's scheduler.
 */
final class SdkBatchTransport implements BatchTransport {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private final String streamName;
    private final String endpointName;
    private final EventLoopGroup eventLoops;
    private final SdkAsyncHttpClient httpClient;
    private final FirehoseAsyncClient client;

    private SdkBatchTransport(
            String streamName,
            String endpointName,
            EventLoopGroup eventLoops,
            SdkAsyncHttpClient httpClient,
            FirehoseAsyncClient client) {
        this.streamName = streamName;
        this.endpointName = endpointName;
        this.eventLoops = eventLoops;
        this.httpClient = httpClient;
        this.client = client;
    }

    static SdkBatchTransport create(ProducerConfig config, SecurityEvents events) {
        // Our own event loops, so that close() can stop them without Netty's default two-second quiet period.
        EventLoopGroup eventLoops = new NioEventLoopGroup(
                Math.min(2, Runtime.getRuntime().availableProcessors()),
                new DefaultThreadFactory("firehose-secure-io-" + config.deliveryStreamName(), true));
        NettyNioAsyncHttpClient.Builder http = NettyNioAsyncHttpClient.builder()
                .eventLoopGroup(SdkEventLoopGroup.create(eventLoops, channels(config, events)))
                .protocol(Protocol.HTTP1_1)
                // Chosen explicitly, never by whatever TLS library happens to be on the class path.
                .sslProvider(SslProvider.JDK)
                .maxConcurrency(config.maxInFlightRequests())
                .connectionTimeout(CONNECT_TIMEOUT)
                .tlsNegotiationTimeout(CONNECT_TIMEOUT);
        // Always our trust manager: it is where the TLS policy and host name verification are enforced.
        X509ExtendedTrustManager trust = config.trustMaterial().x509TrustManager();
        TlsPolicy policy = config.tlsPolicy();
        http.tlsTrustManagersProvider(() -> new TrustManager[] {new PolicyEnforcingTrustManager(trust, policy)});
        SdkAsyncHttpClient httpClient = http.build();
        FirehoseAsyncClientBuilder builder = FirehoseAsyncClient.builder()
                .region(config.region())
                .credentialsProvider(config.credentialsProvider())
                .httpClient(httpClient)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallAttemptTimeout(config.requestTimeout())
                        .apiCallTimeout(config.requestTimeout()))
                .asyncConfiguration(
                        a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run));
        URI endpoint = config.endpoint();
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return new SdkBatchTransport(
                config.deliveryStreamName(), endpointName(config), eventLoops, httpClient, builder.build());
    }

    @Override
    public CompletableFuture<BatchResponse> send(List<byte[]> records) {
        List<Record> entries = new ArrayList<>(records.size());
        for (byte[] data : records) {
            entries.add(
                    Record.builder().data(SdkBytes.fromByteArrayUnsafe(data)).build());
        }
        PutRecordBatchRequest request = PutRecordBatchRequest.builder()
                .deliveryStreamName(streamName)
                .records(entries)
                .build();
        return client.putRecordBatch(request).handle((response, error) -> {
            if (error != null) {
                throw new CompletionException(tlsRefusalOr(error));
            }
            return toBatchResponse(response);
        });
    }

    /**
     * A handshake the TLS rules refused becomes a {@link TlsPolicyViolationException}: the one our trust manager
     * raised (with the negotiated protocol and suite), or, when the handshake ended before it was asked (no common
     * protocol or suite), one that says so. Everything else passes through.
     */
    private Throwable tlsRefusalOr(Throwable error) {
        SSLHandshakeException handshake = null;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PolicyEnforcingTrustManager.Refusal refusal) {
                return refusal.violation();
            }
            if (t instanceof PinnedSocketChannel.Refusal refusal) {
                return refusal.violation();
            }
            if (t instanceof SSLHandshakeException found && handshake == null) {
                handshake = found;
            }
        }
        if (handshake == null) {
            return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        }
        return new TlsPolicyViolationException(
                endpointName,
                "none",
                "none",
                "the TLS handshake failed before a protocol and cipher suite were agreed: " + handshake.getMessage()
                        + " (the endpoint must offer TLS 1.2 with ECDHE and AEAD ciphers, or TLS 1.3)",
                handshake);
    }

    /**
     * Plain sockets, or, when the endpoint's addresses are verified, sockets that connect only to the addresses
     * verified now (DNS is asked here, once, and a failure stops the build).
     */
    private static ChannelFactory<? extends Channel> channels(ProducerConfig config, SecurityEvents events) {
        List<CidrRange> allowed = config.allowedCidrs();
        URI endpoint = config.endpoint();
        if (allowed == null || endpoint == null) {
            return NioSocketChannel::new;
        }
        AddressPinning pinning = AddressPinning.verify(endpoint.getHost(), config.hostResolver(), allowed, events);
        return () -> new PinnedSocketChannel(pinning);
    }

    private static String endpointName(ProducerConfig config) {
        URI endpoint = config.endpoint();
        if (endpoint != null) {
            return endpoint.getHost() + ":" + (endpoint.getPort() < 0 ? 443 : endpoint.getPort());
        }
        return "firehose." + config.region().id() + ".amazonaws.com:443";
    }

    private static BatchResponse toBatchResponse(PutRecordBatchResponse response) {
        List<PutRecordBatchResponseEntry> entries = response.requestResponses();
        String[] recordIds = new String[entries.size()];
        String[] errorCodes = new String[entries.size()];
        for (int i = 0; i < entries.size(); i++) {
            PutRecordBatchResponseEntry entry = entries.get(i);
            if (entry.errorCode() != null) {
                errorCodes[i] = entry.errorCode();
            } else {
                recordIds[i] = entry.recordId();
            }
        }
        return new BatchResponse(recordIds, errorCodes, Boolean.TRUE.equals(response.encrypted()));
    }

    @Override
    public void close() {
        client.close();
        httpClient.close();
        eventLoops.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
