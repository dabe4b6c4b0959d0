package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.transport.TrustMaterial;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The producer side of {@link SpillKillRestartTest}, run as a process of its own so that the test can kill it:
 * sends numbered records with encryption and spill on, and prints one line per event, flushed at once:
 * {@code A <n>} when {@code send} accepted record n, then {@code S <n>} (spilled), {@code K <n>} (acknowledged)
 * or {@code F <n> <cause>} when its future completed. It never exits by itself.
 *
 * <p>Arguments: endpoint, trust PEM file, access key id, secret key, stream, stream ARN, KMS key ARN, spill
 * directory, records to send at most.
 */
public final class SpillingProducerProcess {

    private SpillingProducerProcess() {}

    public static void main(String[] args) throws Exception {
        URI endpoint = URI.create(args[0]);
        SecureFirehoseProducer producer = SecureFirehoseProducer.builder()
                .deliveryStream(args[4])
                .region("us-east-1")
                .endpoint(endpoint)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(args[2], args[3])))
                .trustMaterial(TrustMaterial.fromPem(Files.readString(Path.of(args[1]))))
                .envelopeEncryption(EnvelopeEncryption.withKmsKey(args[6])
                        .streamArn(args[5])
                        .kmsEndpoint(endpoint)
                        .build())
                .linger(Duration.ofMillis(20))
                .requestTimeout(Duration.ofSeconds(1))
                .deliveryTimeout(Duration.ofSeconds(2))
                .retryBackoff(Duration.ofMillis(50), Duration.ofMillis(200))
                // A small buffer: sending is paced by records leaving it, here by being spilled.
                .maxBufferedBytes(1_100_000)
                .spill(Spill.toDirectory(Path.of(args[7])))
                .build();
        // The first data key is asked for at build. Records sent before it arrives wait for it, and fail rather
        // than spill as plaintext if it takes longer than their 2 s deliveryTimeout, as a cold JVM on a busy
        // machine may; so the records start once the key is there.
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        producer.metrics().bindTo(registry);
        await().atMost(Duration.ofSeconds(120))
                .until(() -> registry.get("firehose.producer.encryption.data.keys")
                                .functionCounter()
                                .count()
                        >= 1);
        int records = Integer.parseInt(args[8]);
        for (int n = 0; n < records; n++) {
            int number = n;
            try {
                producer.send(String.format("plain-record-%07d%n", n).getBytes(UTF_8))
                        .whenComplete((receipt, error) -> {
                            if (error != null) {
                                System.out.println("F " + number + " " + error);
                            } else {
                                System.out.println((receipt.spilled() ? "S " : "K ") + number);
                            }
                        });
                System.out.println("A " + number);
            } catch (FirehoseSecureException refused) {
                System.out.println("R " + number + " " + refused);
            }
        }
        new CountDownLatch(1).await(); // waits to be killed
    }
}
