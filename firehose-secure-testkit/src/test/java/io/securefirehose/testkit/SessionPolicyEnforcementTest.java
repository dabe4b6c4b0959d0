package io.securefirehose.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyResponse;
import software.amazon.awssdk.services.sts.StsAsyncClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The local endpoint applies a session's policy to its Firehose and KMS calls the way IAM does, through the AWS
 * SDK's own clients: inside the policy's scope a call works, outside it is refused with
 * {@code AccessDeniedException} naming the action and the resource.
 */
class SessionPolicyEnforcementTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/producer";
    private static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String OTHER_KEY = "0000abcd-12ab-34cd-56ef-1234567890ab";
    private static final String CONTEXT_KEY = "firehose-secure:delivery-stream";

    private LocalFirehose server = LocalFirehose.builder().stream("orders").stream("other")
            .role(ROLE)
            .kmsKey(KEY)
            .kmsKey(OTHER_KEY)
            .start();

    @AfterEach
    void stop() {
        server.close();
    }

    private String scopedPolicy(String firehoseCondition) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":[\"firehose:PutRecord\",\"firehose:PutRecordBatch\"],"
                + "\"Resource\":\"" + server.streamArn("orders") + "\"" + firehoseCondition + "},"
                + "{\"Effect\":\"Allow\",\"Action\":\"kms:GenerateDataKey\",\"Resource\":\"" + server.kmsKeyArn(KEY)
                + "\",\"Condition\":{\"StringEquals\":{\"kms:EncryptionContext:" + CONTEXT_KEY + "\":\""
                + server.streamArn("orders") + "\"}}}]}";
    }

    private StaticCredentialsProvider session(String policy) throws Exception {
        try (StsAsyncClient sts = SdkClients.sts(server)) {
            Credentials credentials = sts.assumeRole(
                            r -> r.roleArn(ROLE).roleSessionName("scoped").policy(policy))
                    .get(30, TimeUnit.SECONDS)
                    .credentials();
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken()));
        }
    }

    private static CompletableFuture<?> put(FirehoseAsyncClient firehose, String stream) {
        return firehose.putRecordBatch(r -> r.deliveryStreamName(stream)
                .records(Record.builder().data(SdkBytes.fromUtf8String("x")).build()));
    }

    private static CompletableFuture<GenerateDataKeyResponse> generate(KmsAsyncClient kms, String key, String stream) {
        return kms.generateDataKey(r -> r.keyId(key)
                .keySpec(DataKeySpec.AES_256)
                .encryptionContext(
                        Map.of(CONTEXT_KEY, "arn:aws:firehose:us-east-1:000000000000:deliverystream/" + stream)));
    }

    private static AwsServiceException refusal(CompletableFuture<?> call) throws Exception {
        try {
            call.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (AwsServiceException) e.getCause();
        }
        throw new AssertionError("the call was allowed");
    }

    @Test
    void aScopedSessionPutsIntoItsStreamOnly() throws Exception {
        try (FirehoseAsyncClient firehose = SdkClients.firehose(server, session(scopedPolicy("")))) {
            put(firehose, "orders").get(30, TimeUnit.SECONDS);
            assertThat(server.records("orders")).hasSize(1);

            AwsServiceException otherStream = refusal(put(firehose, "other"));
            assertThat(otherStream.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(otherStream.awsErrorDetails().errorMessage())
                    .isEqualTo("User: arn:aws:sts::111122223333:assumed-role/producer/scoped is not authorized to"
                            + " perform: firehose:PutRecordBatch on resource: " + server.streamArn("other")
                            + " because no session policy allows the firehose:PutRecordBatch action");
            AwsServiceException describe =
                    refusal(firehose.describeDeliveryStream(r -> r.deliveryStreamName("orders")));
            assertThat(describe.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            assertThat(server.records("other")).isEmpty();
        }
    }

    @Test
    void aScopedSessionGeneratesDataKeysWithItsKeyForItsStreamOnly() throws Exception {
        try (KmsAsyncClient kms = SdkClients.kms(server, session(scopedPolicy("")))) {
            GenerateDataKeyResponse generated = generate(kms, KEY, "orders").get(30, TimeUnit.SECONDS);
            assertThat(generated.keyId()).isEqualTo(server.kmsKeyArn(KEY));

            assertThat(refusal(generate(kms, OTHER_KEY, "orders"))
                            .awsErrorDetails()
                            .errorMessage())
                    .contains("kms:GenerateDataKey on resource: " + server.kmsKeyArn(OTHER_KEY));
            assertThat(refusal(generate(kms, KEY, "other")).awsErrorDetails().errorCode())
                    .isEqualTo("AccessDeniedException");
            assertThat(refusal(kms.decrypt(r -> r.ciphertextBlob(generated.ciphertextBlob())
                                    .encryptionContext(Map.of(CONTEXT_KEY, server.streamArn("orders")))))
                            .awsErrorDetails()
                            .errorMessage())
                    .contains("kms:Decrypt");
        }
    }

    @Test
    void aSessionThatRequiresAVpcEndpointWorksOnlyThroughIt() throws Exception {
        String policy =
                scopedPolicy(",\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-0a1b2c3d4e5f67890\"}}");
        try (FirehoseAsyncClient firehose = SdkClients.firehose(server, session(policy))) {
            assertThat(refusal(put(firehose, "orders")).awsErrorDetails().errorCode())
                    .isEqualTo("AccessDeniedException");
        }
        server.close();
        server = LocalFirehose.builder().stream("orders")
                .role(ROLE)
                .kmsKey(KEY)
                .sourceVpce("firehose", "vpce-0a1b2c3d4e5f67890")
                .start();
        try (FirehoseAsyncClient firehose = SdkClients.firehose(server, session(policy))) {
            put(firehose, "orders").get(30, TimeUnit.SECONDS);
            assertThat(server.records("orders")).hasSize(1);
        }
    }

    @Test
    void sessionsWithoutAPolicyAndLongTermCredentialsAreNotNarrowed() throws Exception {
        try (StsAsyncClient sts = SdkClients.sts(server)) {
            Credentials unscoped = sts.assumeRole(r -> r.roleArn(ROLE).roleSessionName("unscoped"))
                    .get(30, TimeUnit.SECONDS)
                    .credentials();
            try (FirehoseAsyncClient firehose = SdkClients.firehose(
                    server,
                    StaticCredentialsProvider.create(AwsSessionCredentials.create(
                            unscoped.accessKeyId(), unscoped.secretAccessKey(), unscoped.sessionToken())))) {
                put(firehose, "other").get(30, TimeUnit.SECONDS);
            }
        }
        try (FirehoseAsyncClient firehose = SdkClients.firehose(server)) {
            put(firehose, "other").get(30, TimeUnit.SECONDS);
        }
        assertThat(server.records("other")).hasSize(2);
    }

    @Test
    void aMalformedSessionPolicyIsRefusedByStsAsMalformedPolicyDocument() throws Exception {
        try (StsAsyncClient sts = SdkClients.sts(server)) {
            AwsServiceException refused = refusal(sts.assumeRole(r -> r.roleArn(ROLE)
                    .roleSessionName("bad")
                    .policy("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                            + "\"Action\":\"*\",\"Resource\":\"*\"}]}")));
            assertThat(refused.awsErrorDetails().errorCode()).isEqualTo("MalformedPolicyDocument");
            assertThat(refused.awsErrorDetails().errorMessage()).contains("Principal");
        }
    }

    @Test
    void sourceVpceNamesAServiceAndAnEndpointIdOrIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> LocalFirehose.builder().sourceVpce("s3", "vpce-0a1b2c3d4e5f67890"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("sourceVpce service must be firehose, kms or sts, was 's3'");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> LocalFirehose.builder().sourceVpce("firehose", "vpc-123"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was 'vpc-123'");
    }
}
