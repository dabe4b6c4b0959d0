package io.securefirehose.benchmarks;

import io.netty.handler.ssl.SslProvider;
import io.securefirehose.ProducerDefaults;
import io.securefirehose.transport.TrustMaterial;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.PutRecordBatchResponse;
import software.amazon.awssdk.services.firehose.model.Record;

/**
 * The baseline: what a user writes today with the raw AWS SDK v2 {@code FirehoseAsyncClient} (Netty with the JDK's
 * TLS, the endpoint's CA, SDK defaults otherwise): records batched by hand up to 500 or 4 MiB (and, at a fixed offered
 * load, for at most the producer's default linger), up to five calls in flight, failed records sent again.
 */
final class RawSdkWorkload implements Workload {

    private static final int MAX_RECORDS = 500;
    private static final long MAX_BYTES = 4L * 1024 * 1024;
    private static final int IN_FLIGHT = 5;
    private static final long LINGER_NANOS = ProducerDefaults.LINGER.toNanos();

    private final FirehoseAsyncClient client;

    RawSdkWorkload(LocalFirehoseProcess firehose) {
        TrustMaterial trust = TrustMaterial.fromPem(firehose.trustPem);
        this.client = FirehoseAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(firehose.endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(firehose.accessKeyId, firehose.secretAccessKey)))
                .httpClient(NettyNioAsyncHttpClient.builder()
                        // What an application gets without netty-tcnative on its class path (the SDK does not
                        // bring it); this module has it only because the testkit's server uses it.
                        .sslProvider(SslProvider.JDK)
                        .maxConcurrency(IN_FLIGHT)
                        .tlsTrustManagersProvider(trust::trustManagers)
                        .build())
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    /** A batch on its way, with the send times of its sampled records. */
    private record Batch(List<Record> records, long[] sampledSendNanos) {}

    @Override
    public Outcome run(long records, int recordBytes, LatencySample latency, Pacer pacer) throws Exception {
        Semaphore inFlight = new Semaphore(IN_FLIGHT);
        AtomicLong acknowledged = new AtomicLong();
        ConcurrentLinkedQueue<List<Record>> retries = new ConcurrentLinkedQueue<>();
        List<Record> batch = new ArrayList<>(MAX_RECORDS);
        List<Long> sampled = new ArrayList<>();
        long bytes = 0;
        long batchOpened = 0;
        for (long i = 0; i < records; i++) {
            long due = pacer.awaitDue(i);
            byte[] data = Workload.payload(i, recordBytes);
            if (batch.isEmpty()) {
                batchOpened = due;
            }
            // Paced, a batch also goes when its first record has waited the producer's default linger, as a
            // hand-written sender with a timer would send it; at saturation batches fill long before.
            boolean lingered = pacer.paced() && !batch.isEmpty() && due - batchOpened >= LINGER_NANOS;
            if (batch.size() == MAX_RECORDS || bytes + data.length > MAX_BYTES || lingered) {
                submit(new Batch(batch, toArray(sampled)), inFlight, acknowledged, retries, latency);
                batch = new ArrayList<>(MAX_RECORDS);
                sampled.clear();
                bytes = 0;
                batchOpened = due;
            }
            if (latency.sampled(i)) {
                sampled.add(pacer.sentAt(due));
            }
            batch.add(Record.builder().data(SdkBytes.fromByteArray(data)).build());
            bytes += data.length;
        }
        submit(new Batch(batch, toArray(sampled)), inFlight, acknowledged, retries, latency);
        // Wait for every call, sending failed records again, bounded by a deadline.
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            List<Record> again = retries.poll();
            if (again != null) {
                submit(new Batch(again, new long[0]), inFlight, acknowledged, retries, latency);
            } else if (inFlight.availablePermits() == IN_FLIGHT && retries.isEmpty()) {
                break;
            } else {
                Thread.onSpinWait();
            }
        }
        return new Outcome(acknowledged.get(), records - acknowledged.get(), recordBytes, records);
    }

    private static long[] toArray(List<Long> values) {
        long[] array = new long[values.size()];
        for (int i = 0; i < array.length; i++) {
            array[i] = values.get(i);
        }
        return array;
    }

    // Every outcome is handled in the callback; the returned future has nothing to add.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void submit(
            Batch batch,
            Semaphore inFlight,
            AtomicLong acknowledged,
            ConcurrentLinkedQueue<List<Record>> retries,
            LatencySample latency)
            throws InterruptedException {
        if (batch.records().isEmpty()) {
            return;
        }
        inFlight.acquire();
        client.putRecordBatch(
                        r -> r.deliveryStreamName(LocalFirehoseProcess.STREAM).records(batch.records()))
                .whenComplete((response, error) -> {
                    try {
                        if (error != null) {
                            retries.add(batch.records());
                            return;
                        }
                        List<Record> failed = failedRecords(batch.records(), response);
                        acknowledged.addAndGet(batch.records().size() - failed.size());
                        if (!failed.isEmpty()) {
                            retries.add(failed);
                        }
                        long now = System.nanoTime();
                        for (long sent : batch.sampledSendNanos()) {
                            latency.add(now - sent);
                        }
                    } finally {
                        inFlight.release();
                    }
                });
    }

    private static List<Record> failedRecords(List<Record> sent, PutRecordBatchResponse response) {
        if (response.failedPutCount() == null || response.failedPutCount() == 0) {
            return List.of();
        }
        List<Record> failed = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (response.requestResponses().get(i).errorCode() != null) {
                failed.add(sent.get(i));
            }
        }
        return failed;
    }

    @Override
    public void close() {
        client.close();
    }
}
