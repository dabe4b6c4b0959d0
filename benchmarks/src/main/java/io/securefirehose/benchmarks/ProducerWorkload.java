package io.securefirehose.benchmarks;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.RequestPath;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.records.Coalescing;
import io.securefirehose.transport.TrustMaterial;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code SecureFirehoseProducer} with the default security settings as a production service would run it: the TLS
 * policy, the endpoint's addresses verified and pinned, and an assumed role whose session is narrowed to the
 * stream; optionally with envelope encryption or coalescing, on either request path.
 */
final class ProducerWorkload implements Workload {

    private final SecureFirehoseProducer producer;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final boolean coalesced;

    ProducerWorkload(LocalFirehoseProcess firehose, boolean encrypted, boolean coalesced, RequestPath path) {
        this(firehose, encrypted, coalesced, path, b -> b);
    }

    ProducerWorkload(
            LocalFirehoseProcess firehose,
            boolean encrypted,
            boolean coalesced,
            RequestPath path,
            UnaryOperator<ProducerBuilder> settings) {
        this.coalesced = coalesced;
        ProducerBuilder builder = SecureFirehoseProducer.builder()
                .deliveryStream(LocalFirehoseProcess.STREAM)
                .requestPath(path)
                .region("us-east-1")
                .endpoint(firehose.endpoint)
                .allowedCidrs("127.0.0.0/8")
                .trustMaterial(TrustMaterial.fromPem(firehose.trustPem))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(firehose.accessKeyId, firehose.secretAccessKey)))
                .assumeRole(AssumeRole.role(LocalFirehoseProcess.ROLE)
                        .stsEndpoint(firehose.endpoint)
                        .build());
        String buffer = System.getProperty("bench.maxBufferedBytes");
        if (buffer != null) {
            builder.maxBufferedBytes(Long.parseLong(buffer));
        }
        if (coalesced) {
            builder.coalescing(Coalescing.lengthPrefixed());
        }
        if (encrypted) {
            builder.envelopeEncryption(EnvelopeEncryption.withKmsKey(firehose.kmsKeyArn)
                    .kmsEndpoint(firehose.endpoint)
                    .build());
        }
        this.producer = settings.apply(builder).build();
        producer.metrics().bindTo(registry);
    }

    // Latency callbacks only on sampled records; the futures they return have nothing to add.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    public Outcome run(long records, int recordBytes, LatencySample latency, Pacer pacer) {
        LongAdder packedFailures = new LongAdder();
        for (long i = 0; i < records; i++) {
            long due = pacer.awaitDue(i);
            byte[] data = Workload.payload(i, recordBytes);
            if (latency.sampled(i)) {
                long sent = pacer.sentAt(due);
                CompletableFuture<RecordReceipt> future = producer.send(data);
                future.whenComplete((receipt, error) -> latency.add(System.nanoTime() - sent));
                if (coalesced) {
                    future.whenComplete((receipt, error) -> countFailure(packedFailures, error));
                }
            } else if (coalesced) {
                // Packed records share a Firehose record, whose meters count it once: count records here.
                producer.send(data).whenComplete((receipt, error) -> countFailure(packedFailures, error));
            } else {
                producer.send(data);
            }
        }
        producer.flush();
        if (coalesced) {
            double firehoseRecords =
                    registry.get("firehose.producer.records.sent").counter().count();
            double bytes =
                    registry.get("firehose.producer.bytes.sent").counter().count();
            long failed = packedFailures.sum();
            return new Outcome(
                    records - failed,
                    failed,
                    firehoseRecords == 0 ? recordBytes : bytes / firehoseRecords,
                    Math.max(1, firehoseRecords));
        }
        // Failures are counted before a future fails, acknowledgements only after the call's futures completed:
        // once flush() returned, records minus failures is exact, the acknowledged counter may still be behind.
        long failed = 0;
        for (Counter counter : registry.find("firehose.producer.records.failed").counters()) {
            failed += (long) counter.count();
            System.err.println("failed records: " + counter.getId().getTag("reason") + " = " + (long) counter.count());
        }
        long acknowledged = records - failed;
        double sealed = registry.find("firehose.producer.encryption.time").functionTimer() == null
                ? 0
                : registry.get("firehose.producer.encryption.time")
                        .functionTimer()
                        .count();
        double overhead =
                registry.find("firehose.producer.encryption.overhead.bytes").functionCounter() == null
                        ? 0
                        : registry.get("firehose.producer.encryption.overhead.bytes")
                                .functionCounter()
                                .count();
        double wire = recordBytes + (sealed > 0 ? overhead / sealed : 0);
        return new Outcome(acknowledged, records - acknowledged, wire, records);
    }

    /** The producer, for drivers that send by themselves. */
    SecureFirehoseProducer producer() {
        return producer;
    }

    /** The producer's meters. */
    SimpleMeterRegistry meters() {
        return registry;
    }

    private static void countFailure(LongAdder failures, Throwable error) {
        if (error != null) {
            failures.increment();
        }
    }

    @Override
    public void close() {
        producer.close();
        producer.metrics().close();
    }
}
