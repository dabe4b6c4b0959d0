package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.posture.SecurityPosture;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * Child-JVM program: one call with each AWS client this SDK builds, none of them given an endpoint, so each uses its
 * region's standard endpoint. The parent test starts it with a hosts file ({@code -Djdk.net.hosts.file}) that maps
 * those names to 127.0.0.1 and nothing else (no DNS query leaves the machine; the calls end with a refused connection
 * on port 443), and with the SDK's endpoint-override settings pointed at a plain-HTTP listener, which must receive
 * nothing. Prints one line per client, {@code <client>: <how the call ended>}, then {@code done}.
 */
public final class DefaultEndpointClients {

    private static final String STREAM = "orders";
    private static final String KEY = "arn:aws:kms:us-east-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

    private DefaultEndpointClients() {}

    /**
     * @param args none
     * @throws Exception if the program itself fails
     */
    public static void main(String[] args) throws Exception {
        warmUp();
        // Each producer sends one record; its first failed call (Firehose, or the STS or KMS call the record waits
        // for) is reported by the service failure listener as it happens, with the endpoint it went to, so nothing
        // waits for a record's delivery timeout.
        Map<String, CompletableFuture<ServiceFailure>> firstFailures = new LinkedHashMap<>();
        Map<String, SecureFirehoseProducer> producers = new LinkedHashMap<>();
        Map<String, ProducerBuilder> settings = new LinkedHashMap<>();
        settings.put("firehose-lean", settings().requestPath(RequestPath.LEAN));
        settings.put("firehose-sdk-client", settings().requestPath(RequestPath.SDK_CLIENT));
        settings.put(
                "sts",
                settings()
                        .assumeRole(AssumeRole.role("arn:aws:iam::111122223333:role/producer")
                                .build()));
        settings.put(
                "kms-encrypt",
                settings()
                        .envelopeEncryption(EnvelopeEncryption.withKmsKey(KEY)
                                .streamArn("arn:aws:firehose:us-east-1:111122223333:deliverystream/" + STREAM)
                                .build()));
        settings.forEach((client, builder) -> {
            CompletableFuture<ServiceFailure> first = new CompletableFuture<>();
            firstFailures.put(client, first);
            producers.put(
                    client, builder.serviceFailureListener(first::complete).build());
        });
        producers.forEach((client, producer) -> producer.send("record".getBytes(UTF_8)));
        firstFailures.forEach((client, first) -> System.out.println(client + ": "
                + outcome(() -> {
                    ServiceFailure failure = first.get(60, TimeUnit.SECONDS);
                    throw new CallFailed(failure.endpoint() + " " + describe(failure.error()));
                })));
        producers.values().forEach(producer -> producer.close(Duration.ZERO));
        System.out.println(
                "describe: " + outcome(() -> SecurityPosture.check(settings().buildConfig())));
        System.out.println("kms-decrypt: "
                + outcome(() -> {
                    try (KmsDataKeyDecrypter kms = decrypter().build()) {
                        return kms.decrypt(new byte[32], Map.of("aws:firehose:arn", "arn"));
                    }
                }));
        System.out.println("kms-decrypt-allowed-cidrs: "
                + outcome(() -> decrypter().allowedCidrs("10.0.0.0/8").build()));
        System.out.println("done");
    }

    private static ProducerBuilder settings() {
        return SecureFirehoseProducer.builder()
                .deliveryStream(STREAM)
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                .linger(Duration.ZERO)
                // Refusals arrive at once on a warm JVM; these bounds leave a cold one on a busy machine room to
                // load the SDK and make its first STS and KMS calls (5 s for a call was exceeded there).
                .requestTimeout(Duration.ofSeconds(15))
                .deliveryTimeout(Duration.ofSeconds(20))
                // One attempt per record (and per data key): the outcome reported is that attempt's refused
                // connection, not whatever a later retry on a starved JVM ran into.
                .retryBackoff(Duration.ofSeconds(60), Duration.ofSeconds(60));
    }

    /**
     * One refused call through the SDK, Netty and TLS set-up before anything is timed, so that a cold JVM on a busy
     * machine does not spend the measured calls' time loading classes and seeding generators.
     */
    private static void warmUp() {
        try (KmsDataKeyDecrypter kms =
                decrypter().endpoint(java.net.URI.create("https://127.0.0.1:9")).build()) {
            kms.decrypt(new byte[32], Map.of("warm", "up"));
        } catch (RuntimeException expected) {
            // Nothing listens on port 9: refused, which is all this was for.
        }
    }

    private static KmsDataKeyDecrypter.Builder decrypter() {
        return KmsDataKeyDecrypter.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(credentials())
                // One call, refused at once; the bound only caps a cold JVM on a busy machine (5 s was exceeded).
                .requestTimeout(Duration.ofSeconds(30));
    }

    private static StaticCredentialsProvider credentials() {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret"));
    }

    /** A failed call as the failure listener saw it: where it went, and why. */
    private static final class CallFailed extends Exception {
        private static final long serialVersionUID = 1L;

        CallFailed(String message) {
            super(message);
        }
    }

    private interface Call {
        Object run() throws Exception;
    }

    private static String outcome(Call call) {
        try {
            return "succeeded " + call.run();
        } catch (ExecutionException e) {
            return describe(e.getCause());
        } catch (Exception e) {
            return describe(e);
        }
    }

    /** The failure and its causes on one line. */
    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            text.append(t.getClass().getSimpleName())
                    .append(": ")
                    .append(t.getMessage())
                    .append(" | ");
            for (Throwable suppressed : t.getSuppressed()) {
                text.append("suppressed ").append(suppressed).append(" | ");
            }
        }
        return text.toString().replace('\n', ' ');
    }
}
