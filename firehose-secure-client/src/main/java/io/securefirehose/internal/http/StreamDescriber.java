package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.ProducerConfig;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.internal.identity.AssumedRoleCredentials;
import io.securefirehose.internal.identity.StsCredentials;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.time.SingleThreadTaskScheduler;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;

/**
 * Reads a stream's description the way a producer with the same settings would connect: its TLS policy, trust,
 * address pinning and credentials (an assumed role's session, whose policy then also allows
 * {@code DescribeDeliveryStream}). Blocks the calling thread.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class StreamDescriber {

    private StreamDescriber() {}

    /**
     * Calls {@code DescribeDeliveryStream}.
     *
     * @param config the producer settings to connect with
     * @return the stream's description
     * @throws RuntimeException the typed refusal ({@link io.securefirehose.errors.TlsPolicyViolationException},
     *     {@link io.securefirehose.errors.EndpointPolicyViolationException},
     *     {@link io.securefirehose.errors.CredentialsUnavailableException}) or the service's error
     */
    public static DeliveryStreamDescription describe(ProducerConfig config) {
        SecurityEvents events = new SecurityEvents();
        Duration timeout = config.requestTimeout();
        SingleThreadTaskScheduler scheduler = null;
        AssumedRoleCredentials identity = null;
        AssumedRoleCredentials assumed = null;
        SdkBatchTransport transport = null;
        try {
            AwsCredentialsProvider signer = config.credentialsProvider();
            AssumeRole role = config.assumeRole();
            if (role != null || config.webIdentity() != null) {
                scheduler = new SingleThreadTaskScheduler("firehose-secure-check-" + config.deliveryStreamName());
                identity = StsCredentials.webIdentity(config, scheduler, events);
                if (identity != null) {
                    identity.start();
                    await(identity.firstAnswer(), timeout, "STS AssumeRoleWithWebIdentity");
                    signer = identity;
                }
            }
            if (role != null) {
                assumed = StsCredentials.create(
                        config,
                        signer,
                        role,
                        Objects.requireNonNull(scheduler),
                        events,
                        true,
                        ServiceFailureReporter.NONE);
                assumed.start();
                await(assumed.firstAnswer(), timeout, "STS AssumeRole");
                signer = assumed;
            }
            transport = SdkBatchTransport.create(config, events, signer);
            return await(transport.describe(), timeout, "DescribeDeliveryStream");
        } finally {
            if (transport != null) {
                transport.close();
            }
            AssumedRoleCredentials.closeAll(assumed, identity);
            if (scheduler != null) {
                scheduler.close();
            }
        }
    }

    private static <T> T await(CompletableFuture<T> call, Duration timeout, String what) {
        try {
            return call.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = unwrap(e);
            if (cause instanceof AwsServiceException service && service.awsErrorDetails() != null) {
                throw new IllegalStateException(
                        what + " failed with " + service.awsErrorDetails().errorCode() + ": "
                                + service.awsErrorDetails().errorMessage(),
                        service);
            }
            throw cause instanceof RuntimeException runtime
                    ? runtime
                    : new IllegalStateException(what + " failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException(what + " did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + what, e);
        }
    }

    private static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            @Nullable Throwable next = cause.getCause();
            cause = next;
        }
        return cause;
    }
}
