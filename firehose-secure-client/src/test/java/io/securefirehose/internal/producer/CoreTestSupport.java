package io.securefirehose.internal.producer;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.internal.aws.RetryBackoff;
import io.securefirehose.internal.crypto.DataKeySource;
import io.securefirehose.internal.crypto.RecordEncryptor;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.time.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** A producer engine on a hand-moved clock with a transport whose calls the test answers. */
public abstract class CoreTestSupport {

    final ManualScheduler scheduler = new ManualScheduler();
    final FakeTransport transport = new FakeTransport();
    ProducerCore core;

    @AfterEach
    void tearDown() {
        if (core != null) {
            core.close(Duration.ZERO);
        }
        scheduler.close();
    }

    /** Settings for a transport aimed at a local endpoint, no linger. */
    public static io.securefirehose.ProducerConfig transportConfig(
            io.securefirehose.testkit.LocalFirehose server, String stream, Duration requestTimeout) {
        return SecureFirehoseProducer.builder()
                .deliveryStream(stream)
                .region(server.region())
                .endpoint(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .trustMaterial(io.securefirehose.transport.TrustMaterial.fromPem(server.trustPem()))
                .linger(Duration.ZERO)
                .requestTimeout(requestTimeout)
                .buildConfig();
    }

    ProducerCore core(UnaryOperator<ProducerBuilder> settings) {
        ProducerBuilder builder = SecureFirehoseProducer.builder()
                .deliveryStream("unit")
                .region("eu-west-1")
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .linger(Duration.ofMillis(50))
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .deliveryTimeout(Duration.ofSeconds(60))
                .requestTimeout(Duration.ofSeconds(10));
        core = new ProducerCore(settings.apply(builder).buildConfig(), transport, scheduler, null);
        return core;
    }

    /**
     * An engine that encrypts with data keys from {@code keys} (backoff 100 ms to 2 s) and waits for credentials at
     * {@code credentials}; kept in {@link #core}.
     *
     * @return the engine's encryptor
     */
    RecordEncryptor encryptedCore(io.securefirehose.ProducerConfig config, DataKeySource keys, SendGate credentials) {
        RecordEncryptor encryptor = new RecordEncryptor(
                java.util.Objects.requireNonNull(config.encryption()),
                keys,
                scheduler,
                new RetryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2)),
                config.deliveryTimeout(),
                SenderSettings.expiryCheckInterval(config.deliveryTimeout()),
                credentials,
                io.securefirehose.internal.aws.ServiceFailureReporter.Calls.NONE);
        core = new ProducerCore(
                config, transport, scheduler, null, new SecurityEvents(), () -> 0, encryptor, credentials, null);
        return encryptor;
    }

    static byte[] bytes(int size, int marker) {
        byte[] data = new byte[size];
        if (size > 0) {
            data[0] = (byte) marker;
        }
        return data;
    }

    List<CompletableFuture<RecordReceipt>> sendMany(int count, int size) {
        List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            futures.add(core.send(bytes(size, i)));
        }
        return futures;
    }

    /** Lets the open batch (the test's default linger is 50 ms) go out as one call. */
    void lingerOut() {
        settle();
        scheduler.advance(Duration.ofMillis(50));
        settle();
    }

    void settle() {
        scheduler.awaitIdle();
    }

    /** The cause a future failed with; the future must have failed already. */
    static Throwable failureOf(CompletableFuture<RecordReceipt> future) {
        if (!future.isCompletedExceptionally()) {
            throw new AssertionError("the future did not fail: " + future);
        }
        try {
            future.get();
        } catch (java.util.concurrent.ExecutionException e) {
            return io.securefirehose.TestResources.withoutSecrets(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        throw new AssertionError("not failed");
    }

    /** Upper bound of the jittered backoff before attempt {@code attempt + 1} with a 100 ms start. */
    static Duration maxBackoff(int attempt) {
        long base = Math.min(100L << (attempt - 1), 2000L);
        return Duration.ofMillis((long) Math.ceil(base * (1 + RetryBackoff.JITTER)) + 1);
    }
}
