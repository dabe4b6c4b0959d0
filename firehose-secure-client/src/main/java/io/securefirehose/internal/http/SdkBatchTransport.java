package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.ProducerConfig;
import io.securefirehose.internal.aws.UserAgent;
import io.securefirehose.internal.tls.SecureHttpClient;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.tls.SharedEventLoops;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClientBuilder;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
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
@API(status = INTERNAL, since = "0.1.0")
public final class SdkBatchTransport implements BatchTransport {

    private final String streamName;
    private final SecureHttpClient http;
    private final FirehoseAsyncClient client;
    private final boolean ownsClient;

    private SdkBatchTransport(
            String streamName, SecureHttpClient http, FirehoseAsyncClient client, boolean ownsClient) {
        this.streamName = streamName;
        this.http = http;
        this.client = client;
        this.ownsClient = ownsClient;
    }

    public static SdkBatchTransport create(ProducerConfig config, SecurityEvents events) {
        return create(config, events, config.credentialsProvider());
    }

    public static SdkBatchTransport create(
            ProducerConfig config, SecurityEvents events, AwsCredentialsProvider credentials) {
        return create(config, events, credentials, config.maxInFlightRequests(), null);
    }

    /**
     * @param maxConnections most connections at once
     * @param shared the loops of a client, or {@code null} for loops of its own
     */
    static SdkBatchTransport create(
            ProducerConfig config,
            SecurityEvents events,
            AwsCredentialsProvider credentials,
            int maxConnections,
            @Nullable SharedEventLoops shared) {
        SecureHttpClient http = SecureHttpClient.forFirehose(config, events, maxConnections, shared);
        FirehoseAsyncClientBuilder builder = FirehoseAsyncClient.builder()
                .region(config.region())
                // Always explicit: the SDK's endpoint-override sources are never consulted.
                .endpointOverride(http.endpoint())
                .fipsEnabled(false)
                .dualstackEnabled(false)
                .credentialsProvider(credentials)
                .httpClient(http.client())
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .putAdvancedOption(SdkAdvancedClientOption.USER_AGENT_SUFFIX, UserAgent.SUFFIX)
                        .apiCallAttemptTimeout(config.requestTimeout())
                        .apiCallTimeout(config.requestTimeout()))
                .asyncConfiguration(
                        a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run));
        return new SdkBatchTransport(config.deliveryStreamName(), http, builder.build(), true);
    }

    /**
     * @param streamName another stream
     * @return a transport for that stream on this one's client, which it does not close
     */
    SdkBatchTransport borrowedFor(String streamName) {
        return new SdkBatchTransport(streamName, http, client, false);
    }

    @Override
    public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
        return client.putRecordBatch(request(streamName, records)).handle((response, error) -> {
            if (error != null) {
                throw new CompletionException(http.typedRefusalOr(error));
            }
            return toBatchResponse(response);
        });
    }

    /**
     * Calls {@code DescribeDeliveryStream} for the stream, over the same connection rules.
     *
     * @return the stream's description, or the failure (typed where the connection was refused)
     */
    CompletableFuture<DeliveryStreamDescription> describe() {
        return client.describeDeliveryStream(r -> r.deliveryStreamName(streamName))
                .handle((response, error) -> {
                    if (error != null) {
                        throw new CompletionException(http.typedRefusalOr(error));
                    }
                    return response.deliveryStreamDescription();
                });
    }

    /**
     * The SDK request for a batch, built now (so every record is read before {@link #send} returns). A record's own
     * array is wrapped, not copied (it is never changed); a record held as base64 is decoded into a new array.
     */
    public static PutRecordBatchRequest request(String streamName, List<? extends OutboundRecord> records) {
        List<Record> entries = new ArrayList<>(records.size());
        for (OutboundRecord record : records) {
            entries.add(Record.builder()
                    .data(SdkBytes.fromByteArrayUnsafe(record.rawBytes()))
                    .build());
        }
        return PutRecordBatchRequest.builder()
                .deliveryStreamName(streamName)
                .records(entries)
                .build();
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
        return new BatchResponse(recordIds, errorCodes, Boolean.TRUE.equals(response.encrypted()))
                .withRequestId(response.responseMetadata().requestId());
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
            http.close();
        }
    }
}
