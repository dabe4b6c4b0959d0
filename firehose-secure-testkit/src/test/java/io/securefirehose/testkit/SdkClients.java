package io.securefirehose.testkit;

import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/** Raw AWS SDK clients pointed at a {@link LocalFirehose}, for testing the server on its own. */
final class SdkClients {

    private SdkClients() {}

    static FirehoseAsyncClient firehose(LocalFirehose server, AwsCredentialsProvider credentials) {
        return FirehoseAsyncClient.builder()
                .region(Region.of(server.region()))
                .endpointOverride(server.endpoint())
                .credentialsProvider(credentials)
                .httpClientBuilder(httpClientBuilder(server.trustStore()))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    static software.amazon.awssdk.services.kms.KmsAsyncClient kms(
            LocalFirehose server, AwsCredentialsProvider credentials) {
        return software.amazon.awssdk.services.kms.KmsAsyncClient.builder()
                .region(Region.of(server.region()))
                .endpointOverride(server.endpoint())
                .credentialsProvider(credentials)
                .httpClientBuilder(httpClientBuilder(server.trustStore()))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    static software.amazon.awssdk.services.sts.StsAsyncClient sts(LocalFirehose server) {
        return software.amazon.awssdk.services.sts.StsAsyncClient.builder()
                .region(Region.of(server.region()))
                .endpointOverride(server.endpoint())
                .credentialsProvider(server.credentialsProvider())
                .httpClientBuilder(httpClientBuilder(server.trustStore()))
                .overrideConfiguration(
                        o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).apiCallTimeout(Duration.ofSeconds(30)))
                .build();
    }

    static FirehoseAsyncClient firehose(LocalFirehose server) {
        return firehose(server, server.credentialsProvider());
    }

    /** An HTTP client trusting {@code trust}; whoever passes it to an SDK client must close it. */
    static SdkAsyncHttpClient httpClient(KeyStore trust) {
        return httpClientBuilder(trust).build();
    }

    /** For {@code httpClientBuilder(...)}: the SDK client then owns the HTTP client and closes it with itself. */
    static NettyNioAsyncHttpClient.Builder httpClientBuilder(KeyStore trust) {
        return NettyNioAsyncHttpClient.builder().tlsTrustManagersProvider(() -> {
            try {
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(trust);
                return factory.getTrustManagers();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
