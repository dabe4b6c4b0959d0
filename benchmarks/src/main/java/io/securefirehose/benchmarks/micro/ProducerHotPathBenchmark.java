package io.securefirehose.benchmarks.micro;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.ProducerConfig;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.internal.aws.RetryBackoff;
import io.securefirehose.internal.crypto.RecordEncryptor;
import io.securefirehose.internal.http.BatchTransport;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.producer.ProducerAssembly;
import io.securefirehose.internal.producer.ProducerCore;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.time.SingleThreadTaskScheduler;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * The producer's own cost per record, without network or marshalling: validate, reserve buffer, append, batch,
 * dispatch to a transport that acknowledges at once, settle the future; with {@code encrypted=true} also seal each
 * record into an envelope frame (AES-256-GCM with a cached data key from an in-memory source, so KMS is not in the
 * measurement, as it is not on the send path). Run with
 * {@code java -jar benchmarks/target/benchmarks.jar ProducerHotPath -prof gc}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ProducerHotPathBenchmark {

    private static final int RECORDS_PER_OP = 10_000;

    @Param({"100", "1024"})
    public int recordBytes;

    @Param({"false", "true"})
    public boolean encrypted;

    private ProducerCore core;
    private SingleThreadTaskScheduler scheduler;
    private byte[] record;

    /** Acknowledges every record at once, on the calling (scheduler) thread. */
    static final class AcknowledgingTransport implements BatchTransport {
        @Override
        public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
            String[] ids = new String[records.size()];
            Arrays.fill(ids, "id");
            return CompletableFuture.completedFuture(new BatchResponse(ids, new String[records.size()], false));
        }

        @Override
        public void close() {}
    }

    @Setup(Level.Trial)
    public void start() {
        ProducerBuilder builder = SecureFirehoseProducer.builder()
                .deliveryStream("bench")
                .region("us-east-1")
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .linger(Duration.ofMillis(5));
        if (encrypted) {
            builder.envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/bench")
                    .streamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/bench")
                    .build());
        }
        ProducerConfig config = builder.buildConfig();
        scheduler = new SingleThreadTaskScheduler("bench-sender");
        RecordEncryptor encryptor = encrypted
                ? new RecordEncryptor(
                        config.encryption(),
                        new InMemoryDataKeys(),
                        scheduler,
                        new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
                        config.deliveryTimeout(),
                        ProducerAssembly.expiryCheckInterval(config.deliveryTimeout()),
                        SendGate.OPEN,
                        io.securefirehose.internal.aws.ServiceFailureReporter.Calls.NONE)
                : null;
        core = new ProducerCore(
                config,
                new AcknowledgingTransport(),
                scheduler,
                scheduler,
                new SecurityEvents(),
                () -> 0,
                encryptor,
                SendGate.OPEN,
                null);
        record = new byte[recordBytes];
    }

    @TearDown(Level.Trial)
    public void stop() {
        core.close(Duration.ofSeconds(10));
    }

    @Benchmark
    @OperationsPerInvocation(RECORDS_PER_OP)
    public RecordReceipt sendAndAcknowledge() throws Exception {
        CompletableFuture<RecordReceipt> last = null;
        for (int i = 0; i < RECORDS_PER_OP; i++) {
            last = core.send(record, true); // as SecureFirehoseProducer.send(byte[]) does
        }
        core.flush();
        return last.get();
    }
}
