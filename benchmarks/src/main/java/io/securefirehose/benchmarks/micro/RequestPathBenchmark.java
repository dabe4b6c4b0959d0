package io.securefirehose.benchmarks.micro;

import io.securefirehose.internal.http.SdkBatchTransport;
import io.securefirehose.internal.producer.PendingRecord;
import io.securefirehose.internal.producer.RecordAccumulator;
import io.securefirehose.internal.producer.SlabPool;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.BodyBuffers;
import io.securefirehose.internal.wire.FirehoseAnswers;
import io.securefirehose.internal.wire.PutRecordBatchBody;
import io.securefirehose.testkit.CannedAnswerHttpClient;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;

/**
 * Per-record CPU and allocation of one {@code PutRecordBatch} call of 500 records, everything but the network and
 * TLS: the SDK client's pipeline (marshalling, signing, answer unmarshalling) against the lean path's (body writing
 * into a pooled array, the SDK's signer over it, the streaming answer reader). Both sides read the same canned
 * 500-entry answer; the SDK's HTTP client is replaced by one that drains the body and answers at once.
 */
public class RequestPathBenchmark extends MicroBenchmark {

    private static final int BATCH = 500;

    @Param({"100", "1024"})
    public int recordBytes;

    /** {@code jdk}: the JDK's providers; {@code accp}: Amazon Corretto Crypto Provider first (SigV4's SHA-256, HMAC). */
    @Param({"jdk", "accp"})
    public String provider;

    private List<PendingRecord> ownRecords;
    private List<PendingRecord> heldRecords;
    private byte[] answer;
    private FirehoseAsyncClient sdk;
    private PutRecordBatchBody bodies;
    private BodyBuffers buffers;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
    private final AwsBasicCredentials credentials = AwsBasicCredentials.create("AKIDBENCH", "secret");

    @Setup
    public void setUp() {
        CryptoProviders.use(provider);
        ownRecords = new ArrayList<>();
        heldRecords = new ArrayList<>();
        RecordAccumulator accumulator = new RecordAccumulator(BATCH, Integer.MAX_VALUE, new SlabPool(64L << 20));
        for (int i = 0; i < BATCH; i++) {
            byte[] data = new byte[recordBytes];
            ownRecords.add(new PendingRecord(data, 0, Long.MAX_VALUE, recordBytes));
            // The lean path gets small records as the producer holds them: base64 already, in a slab.
            PendingRecord held = new PendingRecord(recordBytes, 0, Long.MAX_VALUE, recordBytes);
            if (recordBytes <= SlabPool.MAX_SLAB_RECORD_BYTES) {
                accumulator.appendEncoded(held, PutRecordBatchBody.encodeIntoScratch(data), held.encodedLength());
                heldRecords.add(held);
            } else {
                heldRecords.add(ownRecords.get(i));
            }
        }
        StringBuilder json = new StringBuilder("{\"FailedPutCount\":0,\"Encrypted\":true,\"RequestResponses\":[");
        for (int i = 0; i < BATCH; i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"RecordId\":\"")
                    .append("49654133998702372436791836411426418413428941302463053826".substring(0, 40))
                    .append(String.format("%016d", i))
                    .append("\"}");
        }
        answer = json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
        sdk = FirehoseAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(credentials))
                .endpointOverride(URI.create("https://localhost"))
                .httpClient(CannedAnswerHttpClient.answering(answer, false))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        bodies = new PutRecordBatchBody("bench");
        buffers = new BodyBuffers(2);
    }

    @TearDown
    public void tearDown() {
        sdk.close();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public PutRecordBatchResponse sdkClient() {
        return sdk.putRecordBatch(SdkBatchTransport.request("bench", ownRecords))
                .join();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public BatchResponse lean() {
        PutRecordBatchBody.Body body = bodies.write(heldRecords, buffers);
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(URI.create("https://localhost/"))
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "Firehose_20150804.PutRecordBatch")
                .putHeader("Content-Length", Integer.toString(body.length()))
                .build();
        signer.sign(r -> r.identity(credentials)
                .request(request)
                .payload(() -> new ByteArrayInputStream(body.bytes(), 0, body.length()))
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "firehose"));
        BatchResponse response = FirehoseAnswers.batch(answer, answer.length, BATCH);
        buffers.release(body.bytes());
        return response;
    }
}
