package io.securefirehose.internal.producer;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.ProducerConfig;
import io.securefirehose.RequestPath;
import io.securefirehose.ServiceFailure;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.internal.crypto.Encryption;
import io.securefirehose.internal.crypto.RecordEncryptor;
import io.securefirehose.internal.http.BatchTransport;
import io.securefirehose.internal.http.FailureReportingTransport;
import io.securefirehose.internal.http.LeanBatchTransport;
import io.securefirehose.internal.http.ListeningTransport;
import io.securefirehose.internal.http.SdkBatchTransport;
import io.securefirehose.internal.http.TracingTransport;
import io.securefirehose.internal.identity.AssumedRoleCredentials;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.identity.StsCredentials;
import io.securefirehose.internal.listen.ListenerDispatch;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.wire.BatchResponse;
import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.listener.SecurityEvent;
import io.securefirehose.time.SingleThreadTaskScheduler;
import io.securefirehose.time.TaskScheduler;
import io.securefirehose.tracing.ProducerTracing;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Builds a producer's engine from its configuration: the STS sessions it signs with, the KMS data keys, the batch
 * transport of its request path, and the {@link ProducerCore} over them; on any failure, releases what was already
 * started. Called once per producer on the building thread.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ProducerAssembly {

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    private ProducerAssembly() {}

    /**
     * Creates the core for a producer that sends through the AWS SDK.
     *
     * @param config validated configuration
     * @param scheduler the scheduler to use, or {@code null} to create (and own) a single-thread one
     * @return a started core
     */
    public static ProducerCore create(ProducerConfig config, @Nullable TaskScheduler scheduler) {
        return create(config, scheduler, null);
    }

    /**
     * Creates the core for a producer that sends through the AWS SDK.
     *
     * @param config validated configuration
     * @param scheduler the scheduler to use, or {@code null} to create (and own) a single-thread one
     * @param failureListener where failed service calls are reported, or {@code null}
     * @return a started core
     */
    public static ProducerCore create(
            ProducerConfig config,
            @Nullable TaskScheduler scheduler,
            @Nullable Consumer<? super ServiceFailure> failureListener) {
        return create(config, scheduler, failureListener, null, null);
    }

    /**
     * Creates the core for a producer that sends through the AWS SDK, with a listener for its events and tracing.
     *
     * @param config validated configuration
     * @param scheduler the scheduler to use, or {@code null} to create (and own) a single-thread one
     * @param failureListener where failed service calls are reported, or {@code null}
     * @param listener where the producer's events go, on a thread of their own, or {@code null}
     * @param tracing where each call's span is made, or {@code null}
     * @return a started core
     */
    public static ProducerCore create(
            ProducerConfig config,
            @Nullable TaskScheduler scheduler,
            @Nullable Consumer<? super ServiceFailure> failureListener,
            @Nullable ProducerListener listener,
            @Nullable ProducerTracing tracing) {
        String stream = config.deliveryStreamName();
        ListenerDispatch dispatch = ListenerDispatch.start(listener, stream);
        SecurityEvents events = dispatch.enabled()
                ? new SecurityEvents((kind, detail) -> dispatch.publish(new SecurityEvent(stream, kind, detail)))
                : new SecurityEvents();
        SingleThreadTaskScheduler own = scheduler == null
                ? new SingleThreadTaskScheduler("firehose-secure-sender-" + config.deliveryStreamName())
                : null;
        TaskScheduler runOn = own != null ? own : Objects.requireNonNull(scheduler);
        ServiceFailureReporter failures = ServiceFailureReporter.to(failureListener, runOn);
        AssumeRole role = config.assumeRole();
        AssumedRoleCredentials identity = null;
        AssumedRoleCredentials assumed = null;
        RecordEncryptor encryptor = null;
        boolean built = false;
        try {
            identity = StsCredentials.webIdentity(config, runOn, events, failures);
            AwsCredentialsProvider base = identity != null ? identity : config.credentialsProvider();
            assumed = role == null ? null : StsCredentials.create(config, base, role, runOn, events, failures);
            AssumedRoleCredentials outer = assumed != null ? assumed : identity;
            AwsCredentialsProvider signer = outer != null ? outer : base;
            SendGate credentials = outer != null ? outer : SendGate.OPEN;
            encryptor = Encryption.create(
                    config,
                    signer,
                    credentials,
                    runOn,
                    events,
                    expiryCheckInterval(config.deliveryTimeout()),
                    failures);
            BatchTransport calls = config.requestPath() == RequestPath.SDK_CLIENT
                    ? SdkBatchTransport.create(config, events, signer)
                    : LeanBatchTransport.create(config, events, signer);
            BatchTransport transport =
                    observed(calls, config, failureListener != null, failures, tracing, dispatch, runOn);
            AssumedRoleCredentials identitySession = identity;
            AssumedRoleCredentials roleSession = assumed;
            ProducerCore core = new ProducerCore(
                    config,
                    outer == null
                            ? transport
                            : new ClosingAlso(
                                    transport, () -> AssumedRoleCredentials.closeAll(roleSession, identitySession)),
                    runOn,
                    own,
                    events,
                    () -> (identitySession == null ? 0 : identitySession.failures())
                            + (roleSession == null ? 0 : roleSession.failures()),
                    encryptor,
                    credentials,
                    null);
            core.metrics().listenerMeters(dispatch);
            if (tracing != null) {
                core.traceSends(tracing);
            }
            AssumedRoleCredentials.startSessions(identity, assumed);
            built = true;
            return core;
        } finally {
            if (!built) {
                // A refused endpoint or STS setup: release what was already started.
                AssumedRoleCredentials.closeAll(assumed, identity);
                if (encryptor != null) {
                    encryptor.close();
                }
                if (own != null) {
                    own.close();
                }
                dispatch.close();
            }
        }
    }

    /**
     * A stream's transport with what watches its calls: the service failure reports, tracing, the listener.
     *
     * @param calls the transport that makes the calls
     * @param reportFailures whether failed calls are reported to {@code failures}
     * @param tracing where each call's span is made, or {@code null}
     * @param dispatch where the listener's events go
     * @param runOn whose clock times the calls for the listener
     * @return the transport the stream's sender uses
     */
    public static BatchTransport observed(
            BatchTransport calls,
            ProducerConfig config,
            boolean reportFailures,
            ServiceFailureReporter failures,
            @Nullable ProducerTracing tracing,
            ListenerDispatch dispatch,
            TaskScheduler runOn) {
        String stream = config.deliveryStreamName();
        BatchTransport reported = reportFailures
                ? new FailureReportingTransport(
                        calls, failures.calls(ServiceFailure.Service.FIREHOSE, config.firehoseEndpoint()))
                : calls;
        BatchTransport traced = tracing == null ? reported : new TracingTransport(reported, tracing, stream);
        return dispatch.enabled() ? new ListeningTransport(traced, dispatch, stream, runOn::nanoTime) : traced;
    }

    /**
     * How often records are checked against their delivery deadline: a twentieth of it, within [1 ms, 250 ms].
     *
     * @param deliveryTimeout the producer's delivery timeout
     * @return the interval in nanoseconds
     */
    public static long expiryCheckInterval(Duration deliveryTimeout) {
        return SenderSettings.expiryCheckInterval(deliveryTimeout);
    }

    /** A transport that also closes the credentials it signs with. */
    private record ClosingAlso(BatchTransport transport, AutoCloseable also) implements BatchTransport {
        @Override
        public CompletableFuture<BatchResponse> send(List<? extends OutboundRecord> records) {
            return transport.send(records);
        }

        @Override
        public void close() {
            try {
                transport.close();
            } finally {
                try {
                    also.close();
                } catch (Exception e) {
                    LOG.warn("closing the credentials failed: {}", e.toString());
                }
            }
        }
    }
}
