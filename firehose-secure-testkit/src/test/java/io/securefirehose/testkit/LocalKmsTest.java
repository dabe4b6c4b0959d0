package io.securefirehose.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.DecryptResponse;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;

/** LocalFirehose's KMS side, through the AWS SDK's own KMS client. */
class LocalKmsTest {

    private static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final Map<String, String> CONTEXT =
            Map.of("firehose-secure:delivery-stream", "arn:aws:firehose:us-east-1:000000000000:deliverystream/s");

    private static KmsAsyncClient kms(LocalFirehose server, StaticCredentialsProvider credentials) {
        return KmsAsyncClient.builder()
                .region(Region.of(server.region()))
                .endpointOverride(server.endpoint())
                .credentialsProvider(credentials)
                .httpClient(SdkClients.httpClient(server.trustStore()))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static KmsAsyncClient kms(LocalFirehose server) {
        return kms(server, StaticCredentialsProvider.create(server.credentials()));
    }

    private static AwsServiceException failure(CompletableFuture<?> call) throws Exception {
        try {
            call.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (AwsServiceException) e.getCause();
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void dataKeyDecryptsOnlyWithTheContextItWasGeneratedWith() throws Exception {
        try (LocalFirehose server =
                        LocalFirehose.builder().kmsKey(KEY, "alias/producer").start();
                KmsAsyncClient kms = kms(server)) {
            GenerateDataKeyResponse generated = kms.generateDataKey(r -> r.keyId("alias/producer")
                            .keySpec(DataKeySpec.AES_256)
                            .encryptionContext(CONTEXT))
                    .get(30, TimeUnit.SECONDS);
            assertThat(generated.plaintext().asByteArray()).hasSize(32);
            assertThat(generated.keyId()).isEqualTo(server.kmsKeyArn(KEY));
            assertThat(java.util.HexFormat.of()
                            .formatHex(generated.ciphertextBlob().asByteArray()))
                    .doesNotContain(java.util.HexFormat.of()
                            .formatHex(generated.plaintext().asByteArray()));

            DecryptResponse decrypted = kms.decrypt(
                            r -> r.ciphertextBlob(generated.ciphertextBlob()).encryptionContext(CONTEXT))
                    .get(30, TimeUnit.SECONDS);
            assertThat(decrypted.plaintext()).isEqualTo(generated.plaintext());
            assertThat(decrypted.keyId()).isEqualTo(server.kmsKeyArn(KEY));

            AwsServiceException otherStream = failure(kms.decrypt(r -> r.ciphertextBlob(generated.ciphertextBlob())
                    .encryptionContext(Map.of(
                            "firehose-secure:delivery-stream",
                            "arn:aws:firehose:us-east-1:000000000000:deliverystream/other"))));
            assertThat(otherStream.awsErrorDetails().errorCode()).isEqualTo("InvalidCiphertextException");
            AwsServiceException noContext = failure(kms.decrypt(r -> r.ciphertextBlob(generated.ciphertextBlob())));
            assertThat(noContext.awsErrorDetails().errorCode()).isEqualTo("InvalidCiphertextException");

            assertThat(server.kmsCallCount("GenerateDataKey")).isEqualTo(1);
            assertThat(server.kmsCallCount("Decrypt")).isEqualTo(1);
            assertThat(server.kmsRequests())
                    .extracting(CapturedKmsCall::outcome)
                    .containsExactly("OK", "OK", "InvalidCiphertextException", "InvalidCiphertextException");
            assertThat(server.kmsRequests().get(0).encryptionContext()).isEqualTo(CONTEXT);
            assertThat(server.kmsRequests().get(0).callerAccessKeyId())
                    .isEqualTo(server.credentials().accessKeyId());
        }
    }

    @Test
    void unknownKeysOutagesAndBadSignaturesAreRefusedAsKmsRefusesThem() throws Exception {
        try (LocalFirehose server = LocalFirehose.builder().kmsKey(KEY).start();
                KmsAsyncClient kms = kms(server);
                KmsAsyncClient stranger =
                        kms(server, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAOTHER", "x")))) {
            assertThat(failure(kms.generateDataKey(r -> r.keyId("alias/missing").keySpec(DataKeySpec.AES_256)))
                            .awsErrorDetails()
                            .errorCode())
                    .isEqualTo("NotFoundException");
            assertThat(failure(stranger.generateDataKey(r -> r.keyId(KEY).keySpec(DataKeySpec.AES_256)))
                            .awsErrorDetails()
                            .errorCode())
                    .isEqualTo("UnrecognizedClientException");

            server.kmsAvailable(false);
            AwsServiceException outage =
                    failure(kms.generateDataKey(r -> r.keyId(KEY).keySpec(DataKeySpec.AES_256)));
            assertThat(outage.awsErrorDetails().errorCode()).isEqualTo("KMSInternalException");
            assertThat(outage.statusCode()).isEqualTo(500);
            server.kmsAvailable(true);

            GenerateDataKeyResponse generated = kms.generateDataKey(
                            r -> r.keyId(server.kmsKeyArn(KEY)).numberOfBytes(16))
                    .get(30, TimeUnit.SECONDS);
            assertThat(generated.plaintext().asByteArray()).hasSize(16);
            byte[] damaged = generated.ciphertextBlob().asByteArray();
            damaged[damaged.length - 1] ^= 1;
            assertThat(failure(kms.decrypt(
                                    r -> r.ciphertextBlob(software.amazon.awssdk.core.SdkBytes.fromByteArray(damaged))))
                            .awsErrorDetails()
                            .errorCode())
                    .isEqualTo("InvalidCiphertextException");
            assertThat(server.kmsCallCount("GenerateDataKey")).isEqualTo(1);
        }
    }

    @Test
    void throttlingAnswersThrottlingExceptionToTheFractionAskedFor() throws Exception {
        try (LocalFirehose server = LocalFirehose.builder().kmsKey(KEY).start();
                KmsAsyncClient kms = kms(server)) {
            server.kmsThrottling(1);
            AwsServiceException throttled =
                    failure(kms.generateDataKey(r -> r.keyId(KEY).keySpec(DataKeySpec.AES_256)));
            assertThat(throttled.awsErrorDetails().errorCode()).isEqualTo("ThrottlingException");
            assertThat(throttled.statusCode()).isEqualTo(400);
            assertThat(throttled.isThrottlingException()).isTrue();

            server.reset();
            server.kmsThrottling(0.25);
            for (int i = 0; i < 8; i++) {
                kms.generateDataKey(r -> r.keyId(KEY).keySpec(DataKeySpec.AES_256))
                        .handle((answer, error) -> null)
                        .get(30, TimeUnit.SECONDS);
            }
            long throttledCalls = server.kmsRequests().stream()
                    .filter(call -> call.outcome().equals("ThrottlingException"))
                    .count();
            long answered = server.kmsRequests().size();
            // Evenly spread: one call in four, whatever the client's own retries added.
            assertThat(throttledCalls).isBetween(answered / 4, answered / 4 + 1);
            assertThatThrownBy(() -> server.kmsThrottling(1.5)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
