package io.securefirehose.benchmarks.micro;

import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.crypto.EnvelopeDecryptor;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.internal.aws.RetryBackoff;
import io.securefirehose.internal.crypto.ParkedRecord;
import io.securefirehose.internal.crypto.RecordEncryptor;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.producer.ProducerAssembly;
import io.securefirehose.time.SingleThreadTaskScheduler;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * Per-record cost of envelope encryption (sealing a record with a cached data key, as {@code send} does) and of
 * decryption (reading frames back from an object with the data key cached).
 */
public class EnvelopeBenchmark extends MicroBenchmark {

    private static final int FRAMES = 100;

    @Param({"100", "1024", "10240"})
    public int recordBytes;

    /** {@code jdk}: the JDK's providers; {@code accp}: Amazon Corretto Crypto Provider installed first. */
    @Param({"jdk", "accp"})
    public String provider;

    private SingleThreadTaskScheduler scheduler;
    private RecordEncryptor encryptor;
    private byte[] record;
    private byte[] object;
    private EnvelopeDecryptor decryptor;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        CryptoProviders.use(provider);
        var config = SecureFirehoseProducer.builder()
                .deliveryStream("bench")
                .region("us-east-1")
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/bench")
                        .streamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/bench")
                        .build())
                .buildConfig();
        scheduler = new SingleThreadTaskScheduler("bench-keys");
        InMemoryDataKeys keys = new InMemoryDataKeys();
        encryptor = new RecordEncryptor(
                config.encryption(),
                keys,
                scheduler,
                new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
                config.deliveryTimeout(),
                ProducerAssembly.expiryCheckInterval(config.deliveryTimeout()),
                SendGate.OPEN,
                io.securefirehose.internal.aws.ServiceFailureReporter.Calls.NONE);
        encryptor.start(new RecordEncryptor.Sink() {
            @Override
            public void sealed(ParkedRecord parked, byte[] frame) {}

            @Override
            public void failed(ParkedRecord parked, FirehoseSecureException cause) {}
        });
        record = new byte[recordBytes];
        byte[] first = null;
        for (int attempt = 0; attempt < 1000 && first == null; attempt++) {
            first = encryptor.trySeal(record);
            if (first == null) {
                Thread.sleep(1);
            }
        }
        if (first == null) {
            throw new IllegalStateException("no data key");
        }
        ByteArrayOutputStream frames = new ByteArrayOutputStream();
        for (int i = 0; i < FRAMES; i++) {
            frames.writeBytes(encryptor.trySeal(record));
        }
        object = frames.toByteArray();
        decryptor = EnvelopeDecryptor.builder()
                .expectedStreamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/bench")
                .dataKeys(keys)
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decryptor.close();
        encryptor.close();
        scheduler.close();
    }

    @Benchmark
    public byte[] seal() {
        return encryptor.trySeal(record);
    }

    @Benchmark
    @OperationsPerInvocation(FRAMES)
    public List<byte[]> open() {
        return decryptor.decryptAll(object);
    }
}
