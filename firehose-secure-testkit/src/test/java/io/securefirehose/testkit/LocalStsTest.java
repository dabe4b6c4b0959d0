package io.securefirehose.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;
import software.amazon.awssdk.services.firehose.model.Record;
import software.amazon.awssdk.services.sts.StsAsyncClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleResponse;
import software.amazon.awssdk.services.sts.model.Credentials;

/** LocalFirehose's STS side, through the AWS SDK's own STS client. */
class LocalStsTest {

    private static final String ROLE = "arn:aws:iam::111122223333:role/producer";
    private static final String PUT_ANYWHERE = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Action\":\"firehose:PutRecordBatch\",\"Resource\":\"*\"}]}";

    private static StsAsyncClient sts(LocalFirehose server) {
        return StsAsyncClient.builder()
                .region(Region.of(server.region()))
                .endpointOverride(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .httpClient(SdkClients.httpClient(server.trustStore()))
                .overrideConfiguration(
                        o -> o.retryStrategy(software.amazon.awssdk.awscore.retry.AwsRetryStrategy.doNotRetry()))
                .build();
    }

    private static Exception failure(java.util.concurrent.CompletableFuture<?> call) {
        try {
            call.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (Exception) e.getCause();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected a failure");
    }

    @Test
    void assumedRoleCredentialsSignFirehoseCallsUntilTheyExpire() throws Exception {
        DeliveryOutputTest.MovableClock clock = new DeliveryOutputTest.MovableClock(Instant.now());
        try (LocalFirehose server = LocalFirehose.builder().stream("s")
                        .role(ROLE, "ext-123")
                        .sessionDuration(Duration.ofMinutes(15))
                        .clock(clock)
                        .start();
                StsAsyncClient sts = sts(server)) {
            AssumeRoleResponse assumed = sts.assumeRole(r -> r.roleArn(ROLE)
                            .roleSessionName("producer-host-1")
                            .externalId("ext-123")
                            .policy(PUT_ANYWHERE)
                            .sourceIdentity("alice")
                            .tags(software.amazon.awssdk.services.sts.model.Tag.builder()
                                    .key("app")
                                    .value("orders")
                                    .build())
                            .durationSeconds(3600))
                    .get(30, TimeUnit.SECONDS);
            Credentials credentials = assumed.credentials();
            assertThat(credentials.accessKeyId()).startsWith("ASIA");
            assertThat(credentials.expiration())
                    .isEqualTo(clock.instant()
                            .plus(Duration.ofMinutes(15))
                            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
            assertThat(assumed.assumedRoleUser().arn())
                    .isEqualTo("arn:aws:sts::111122223333:assumed-role/producer/producer-host-1");
            CapturedAssumeRole call = server.assumeRoleRequests().get(0);
            assertThat(call.policy()).isEqualTo(PUT_ANYWHERE);
            assertThat(call.externalId()).isEqualTo("ext-123");
            assertThat(call.sourceIdentity()).isEqualTo("alice");
            assertThat(call.tags()).containsEntry("app", "orders");
            assertThat(call.callerAccessKeyId()).isEqualTo(server.credentials().accessKeyId());
            assertThat(call.issuedAccessKeyId()).isEqualTo(credentials.accessKeyId());

            AwsSessionCredentials session = AwsSessionCredentials.create(
                    credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken());
            try (FirehoseAsyncClient firehose =
                    SdkClients.firehose(server, StaticCredentialsProvider.create(session))) {
                firehose.putRecordBatch(r -> r.deliveryStreamName("s")
                                .records(Record.builder()
                                        .data(SdkBytes.fromUtf8String("x"))
                                        .build()))
                        .get(30, TimeUnit.SECONDS);
                assertThat(server.requests().get(server.requests().size() - 1).accessKeyId())
                        .isEqualTo(credentials.accessKeyId());

                AwsSessionCredentials wrongToken = AwsSessionCredentials.create(
                        credentials.accessKeyId(), credentials.secretAccessKey(), "not-the-token");
                try (FirehoseAsyncClient forged =
                        SdkClients.firehose(server, StaticCredentialsProvider.create(wrongToken))) {
                    assertThat(failure(forged.putRecordBatch(r -> r.deliveryStreamName("s")
                                    .records(Record.builder()
                                            .data(SdkBytes.fromUtf8String("x"))
                                            .build()))))
                            .isInstanceOfSatisfying(
                                    AwsServiceException.class,
                                    e -> assertThat(e.awsErrorDetails().errorCode())
                                            .isEqualTo("UnrecognizedClientException"));
                }

                clock.advance(Duration.ofMinutes(15));
                // The clock is moved back for the signature's 15-minute window: only the session has expired.
                assertThat(failure(firehose.putRecordBatch(r -> r.deliveryStreamName("s")
                                .records(Record.builder()
                                        .data(SdkBytes.fromUtf8String("x"))
                                        .build()))))
                        .isInstanceOfSatisfying(
                                AwsServiceException.class,
                                e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ExpiredTokenException"));
            }
        }
    }

    @Test
    void inAChinaRegionEveryArnServedIsOfPartitionAwsCnAndASessionScopedToItPuts() throws Exception {
        String chinaRole = "arn:aws-cn:iam::111122223333:role/producer";
        try (LocalFirehose server = LocalFirehose.builder().region("cn-north-1").accountId("111122223333").stream("s")
                        .role(chinaRole)
                        .kmsKey("key-1")
                        .start();
                StsAsyncClient sts = sts(server)) {
            String streamArn = server.streamArn("s");
            assertThat(streamArn).isEqualTo("arn:aws-cn:firehose:cn-north-1:111122223333:deliverystream/s");
            assertThat(server.kmsKeyArn("key-1")).isEqualTo("arn:aws-cn:kms:cn-north-1:111122223333:key/key-1");
            String onlyThisStream = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                    + "\"Action\":\"firehose:PutRecordBatch\",\"Resource\":\"" + streamArn + "\"}]}";

            AssumeRoleResponse assumed = sts.assumeRole(r -> r.roleArn(chinaRole)
                            .roleSessionName("producer-host-1")
                            .policy(onlyThisStream))
                    .get(30, TimeUnit.SECONDS);

            assertThat(assumed.assumedRoleUser().arn())
                    .isEqualTo("arn:aws-cn:sts::111122223333:assumed-role/producer/producer-host-1");
            Credentials credentials = assumed.credentials();
            AwsSessionCredentials session = AwsSessionCredentials.create(
                    credentials.accessKeyId(), credentials.secretAccessKey(), credentials.sessionToken());
            try (FirehoseAsyncClient firehose =
                    SdkClients.firehose(server, StaticCredentialsProvider.create(session))) {
                firehose.putRecordBatch(r -> r.deliveryStreamName("s")
                                .records(Record.builder()
                                        .data(SdkBytes.fromUtf8String("x"))
                                        .build()))
                        .get(30, TimeUnit.SECONDS);
            }
            assertThat(server.records("s")).hasSize(1);
        }
    }

    @Test
    void refusalsAnswerLikeSts() {
        try (LocalFirehose server = LocalFirehose.builder().stream("s")
                        .role(ROLE, "ext-123")
                        .start();
                StsAsyncClient sts = sts(server)) {
            assertThat(failure(sts.assumeRole(
                            r -> r.roleArn(ROLE).roleSessionName("s1").externalId("wrong"))))
                    .isInstanceOfSatisfying(AwsServiceException.class, e -> {
                        assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                        assertThat(e.statusCode()).isEqualTo(403);
                    });
            assertThat(failure(sts.assumeRole(r ->
                            r.roleArn("arn:aws:iam::111122223333:role/other").roleSessionName("s1"))))
                    .isInstanceOfSatisfying(
                            AwsServiceException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied"));
            assertThat(failure(sts.assumeRole(r -> r.roleArn(ROLE)
                            .roleSessionName("s1")
                            .externalId("ext-123")
                            .durationSeconds(60))))
                    .isInstanceOfSatisfying(
                            AwsServiceException.class,
                            e -> assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationError"));
            server.stsAvailable(false);
            assertThat(failure(sts.assumeRole(
                            r -> r.roleArn(ROLE).roleSessionName("s1").externalId("ext-123"))))
                    .isInstanceOfSatisfying(
                            AwsServiceException.class,
                            e -> assertThat(e.statusCode()).isEqualTo(503));
            assertThat(server.assumeRoleRequests())
                    .extracting(CapturedAssumeRole::outcome)
                    .containsExactly("AccessDenied", "AccessDenied", "ValidationError", "ServiceUnavailable");
            assertThatThrownBy(() -> server.assumeRoleRequests().get(0).tags().put("x", "y"))
                    .isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
