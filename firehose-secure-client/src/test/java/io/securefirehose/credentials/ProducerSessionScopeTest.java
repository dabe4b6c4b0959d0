package io.securefirehose.credentials;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.testkit.LocalFirehose;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.client.builder.SdkAsyncClientBuilder;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.kms.KmsAsyncClient;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.sts.StsAsyncClient;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * The session the producer asks for is refused outside its scope, by an endpoint that applies session policies as
 * IAM does (LocalFirehose, {@code SessionPolicyEnforcementTest} in the testkit): the policy the producer really sent
 * is used for the refused calls, and a producer whose session is narrowed to a VPC endpoint it does not come
 * through has its records refused with {@code AccessDeniedException}.
 */
class ProducerSessionScopeTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/producer";
    private static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String OTHER_KEY = "0000abcd-12ab-34cd-56ef-1234567890ab";
    private static final String VPCE = "vpce-0a1b2c3d4e5f67890";

    @RegisterExtension
    final TestResources resources = new TestResources();

    private LocalFirehose server(String sourceVpce) {
        var builder = LocalFirehose.builder().accountId("111122223333").stream("orders").stream("other")
                .role(ROLE)
                .kmsKey(KEY)
                .kmsKey(OTHER_KEY);
        if (!sourceVpce.isEmpty()) {
            builder.sourceVpce("firehose", sourceVpce);
        }
        return resources.add(builder.start());
    }

    private SecureFirehoseProducer producer(LocalFirehose server, AssumeRole.Builder role, boolean encrypt) {
        var builder = TestResources.producerFor(server, "orders")
                .linger(Duration.ZERO)
                .assumeRole(role.stsEndpoint(server.endpoint()).build());
        if (encrypt) {
            builder.envelopeEncryption(EnvelopeEncryption.withKmsKey(server.kmsKeyArn(KEY))
                    .streamArn(server.streamArn("orders"))
                    .kmsEndpoint(server.endpoint())
                    .build());
        }
        SecureFirehoseProducer producer = builder.build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    @Test
    void theSessionTheProducerAsksForWorksForItsStreamAndKeyAndIsRefusedForAnythingElse() throws Exception {
        LocalFirehose server = server("");
        SecureFirehoseProducer producer = producer(server, AssumeRole.role(ROLE), true);
        RecordReceipt receipt = producer.send("in scope".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);
        assertThat(receipt.attempts()).isEqualTo(1);
        assertThat(server.records("orders")).hasSize(1);
        String sentPolicy = server.assumeRoleRequests().get(0).policy();

        AwsCredentialsProvider session = sessionWith(server, sentPolicy);
        try (FirehoseAsyncClient firehose = firehose(server, session);
                KmsAsyncClient kms = kms(server, session)) {
            put(firehose, "orders").get(30, TimeUnit.SECONDS);
            assertThat(accessDenied(put(firehose, "other")))
                    .contains("firehose:PutRecordBatch on resource: " + server.streamArn("other"));
            assertThat(accessDenied(firehose.describeDeliveryStream(r -> r.deliveryStreamName("orders"))))
                    .contains("firehose:DescribeDeliveryStream");
            assertThat(accessDenied(generate(kms, OTHER_KEY, server.streamArn("orders"))))
                    .contains("kms:GenerateDataKey on resource: " + server.kmsKeyArn(OTHER_KEY));
            assertThat(accessDenied(generate(kms, KEY, server.streamArn("other"))))
                    .contains("kms:GenerateDataKey on resource: " + server.kmsKeyArn(KEY));
        }
        assertThat(server.records("other")).isEmpty();
    }

    @Test
    void aProducerWhoseSessionRequiresAVpcEndpointItDoesNotComeThroughIsRefused() throws Exception {
        LocalFirehose server = server("vpce-0ffffffffffffffff");
        SecureFirehoseProducer producer = producer(
                server, AssumeRole.role(ROLE).sessionPolicyCondition("StringEquals", "aws:SourceVpce", VPCE), false);

        ExecutionException refused = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class,
                () -> producer.send("refused".getBytes(UTF_8)).get(30, TimeUnit.SECONDS));

        assertThat(TestResources.withoutSecrets(refused.getCause()))
                .isInstanceOfSatisfying(DeliveryFailedException.class, failure -> {
                    assertThat(failure.errorCode()).isEqualTo("AccessDeniedException");
                    assertThat(failure.attempts()).isEqualTo(1);
                });
        assertThat(server.records("orders")).isEmpty();
    }

    @Test
    void theSameProducerComingThroughThatVpcEndpointDelivers() throws Exception {
        LocalFirehose server = server(VPCE);
        SecureFirehoseProducer producer = producer(
                server, AssumeRole.role(ROLE).sessionPolicyCondition("StringEquals", "aws:SourceVpce", VPCE), false);

        producer.send("through the endpoint".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);

        assertThat(server.records("orders")).hasSize(1);
    }

    private static AwsCredentialsProvider sessionWith(LocalFirehose server, String policy) throws Exception {
        try (StsAsyncClient sts = aimedAt(StsAsyncClient.builder(), server, server.credentialsProvider())
                .build()) {
            Credentials credentials = sts.assumeRole(
                            r -> r.roleArn(ROLE).roleSessionName("same-policy").policy(policy))
                    .get(30, TimeUnit.SECONDS)
                    .credentials();
            return StaticCredentialsProvider.create(AwsSessionCredentials.create(
                    credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken()));
        }
    }

    private static FirehoseAsyncClient firehose(LocalFirehose server, AwsCredentialsProvider credentials) {
        return aimedAt(FirehoseAsyncClient.builder(), server, credentials).build();
    }

    private static KmsAsyncClient kms(LocalFirehose server, AwsCredentialsProvider credentials) {
        return aimedAt(KmsAsyncClient.builder(), server, credentials).build();
    }

    /**
     * An SDK client builder aimed at the local endpoint, trusting its authority, without retries; the client owns
     * (and closes) its HTTP client.
     */
    private static <B extends AwsClientBuilder<B, ?> & SdkAsyncClientBuilder<B, ?>> B aimedAt(
            B builder, LocalFirehose server, AwsCredentialsProvider credentials) {
        return builder.region(Region.of(server.region()))
                .endpointOverride(server.endpoint())
                .credentialsProvider(credentials)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().tlsTrustManagersProvider(() -> {
                    try {
                        TrustManagerFactory factory =
                                TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                        factory.init(server.trustStore());
                        return factory.getTrustManagers();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }))
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()));
    }

    private static CompletableFuture<?> put(FirehoseAsyncClient firehose, String stream) {
        return firehose.putRecordBatch(r -> r.deliveryStreamName(stream)
                .records(Record.builder().data(SdkBytes.fromUtf8String("x")).build()));
    }

    private static CompletableFuture<?> generate(KmsAsyncClient kms, String key, String streamArn) {
        return kms.generateDataKey(r -> r.keyId(key)
                .keySpec(DataKeySpec.AES_256)
                .encryptionContext(Map.of(LeastPrivilegePolicies.STREAM_CONTEXT_KEY, streamArn)));
    }

    private static String accessDenied(CompletableFuture<?> call) throws Exception {
        try {
            call.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            AwsServiceException refusal = (AwsServiceException) e.getCause();
            assertThat(refusal.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
            return refusal.awsErrorDetails().errorMessage();
        }
        throw new AssertionError("the call was allowed");
    }
}
