package io.securefirehose.internal.client;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.ProducerConfig;
import io.securefirehose.ServiceFailure;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.internal.aws.KmsClients;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.internal.crypto.Encryption;
import io.securefirehose.internal.crypto.RecordEncryptor;
import io.securefirehose.internal.flow.BufferMemory;
import io.securefirehose.internal.flow.SharedBuffer;
import io.securefirehose.internal.http.BatchTransport;
import io.securefirehose.internal.http.FirehoseEndpoint;
import io.securefirehose.internal.identity.AssumedRoleCredentials;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.identity.SessionScope;
import io.securefirehose.internal.identity.StsCredentials;
import io.securefirehose.internal.listen.ListenerDispatch;
import io.securefirehose.internal.producer.ProducerAssembly;
import io.securefirehose.internal.producer.ProducerCore;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.tls.SharedEventLoops;
import io.securefirehose.listener.ProducerListener;
import io.securefirehose.listener.SecurityEvent;
import io.securefirehose.time.SingleThreadTaskScheduler;
import io.securefirehose.time.TaskScheduler;
import io.securefirehose.tracing.ProducerTracing;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * What the streams of one client share, and the engine of each stream built on it. Shared: one sender thread (the
 * scheduler every stream's batches, retries and callbacks run on), one set of event loops for every connection, one
 * connection pool to the Firehose endpoint, one STS session for the role (its policy names every stream opened,
 * {@link SessionScope}), one KMS client, one buffer with a share per stream ({@link SharedBuffer}), one listener
 * thread. Per stream: its batches, its data keys (their encryption context names the stream), its meters, its spill
 * directory.
 *
 * <p>Streams are opened and closed on any thread; {@link #close()} comes after every stream's core was closed.
 */
@API(status = INTERNAL, since = "0.6.0")
public final class ClientResources implements AutoCloseable {

    /** The stream named in security events of connections the client's streams share. */
    public static final String SHARED = "*";

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    private final ProducerConfig settings;
    private final TaskScheduler runOn;
    private final ListenerDispatch dispatch;
    private final SecurityEvents events;
    private final ServiceFailureReporter failures;
    private final boolean reportFailures;
    private final @Nullable ProducerTracing tracing;
    private final SessionScope scope;
    private final Shared shared;
    private final SharedBuffer buffer;
    private final AtomicBoolean sessionsStarted = new AtomicBoolean();
    /** The gates of the open streams, by stream name. */
    private final Map<String, StreamGate> gates = new ConcurrentHashMap<>();

    /** What the streams share that must be stopped; filled in step by step, so a failed start stops what it got. */
    private static final class Shared {
        @Nullable
        SingleThreadTaskScheduler ownScheduler;

        ListenerDispatch dispatch = ListenerDispatch.NONE;

        @Nullable
        SharedEventLoops loops;

        @Nullable
        AssumedRoleCredentials identity;

        @Nullable
        AssumedRoleCredentials role;

        @Nullable
        FirehoseEndpoint firehose;

        KmsClients.@Nullable Secured kms;

        void close() {
            closeQuietly(firehose);
            closeQuietly(kms);
            AssumedRoleCredentials.closeAll(role, identity);
            closeQuietly(loops);
            dispatch.close();
            closeQuietly(ownScheduler);
        }
    }

    private ClientResources(
            ProducerConfig settings,
            TaskScheduler runOn,
            Shared shared,
            SecurityEvents events,
            ServiceFailureReporter failures,
            boolean reportFailures,
            @Nullable ProducerTracing tracing,
            SessionScope scope,
            long minShare) {
        this.settings = settings;
        this.runOn = runOn;
        this.shared = shared;
        this.dispatch = shared.dispatch;
        this.events = events;
        this.failures = failures;
        this.reportFailures = reportFailures;
        this.tracing = tracing;
        this.scope = scope;
        this.buffer = new SharedBuffer(settings.maxBufferedBytes(), Math.min(minShare, settings.maxBufferedBytes()));
    }

    /**
     * Starts what the streams share; STS is first called when the first stream opens (a session policy names at
     * least one stream).
     *
     * @param settings the client's settings, checked as a producer's (its stream name is not used)
     * @param scheduler the scheduler to use, or {@code null} to create (and own) a single-thread one
     * @param failureListener where failed service calls are reported, or {@code null}
     * @param listener where every stream's events go, on one thread, or {@code null}
     * @param tracing where each call's span is made, or {@code null}
     * @param ioThreads how many event loops
     * @param maxConnections most connections to the Firehose endpoint, over all streams
     * @param minShare the smallest share of the buffer a stream gets
     * @return the shared resources
     */
    public static ClientResources start(
            ProducerConfig settings,
            @Nullable TaskScheduler scheduler,
            @Nullable Consumer<? super ServiceFailure> failureListener,
            @Nullable ProducerListener listener,
            @Nullable ProducerTracing tracing,
            int ioThreads,
            int maxConnections,
            long minShare) {
        Shared shared = new Shared();
        boolean built = false;
        try {
            shared.ownScheduler =
                    scheduler == null ? new SingleThreadTaskScheduler("firehose-secure-sender-client") : null;
            TaskScheduler runOn = shared.ownScheduler != null ? shared.ownScheduler : Objects.requireNonNull(scheduler);
            ListenerDispatch dispatch = ListenerDispatch.start(listener, "client");
            shared.dispatch = dispatch;
            SecurityEvents events = dispatch.enabled()
                    ? new SecurityEvents((kind, detail) -> dispatch.publish(new SecurityEvent(SHARED, kind, detail)))
                    : new SecurityEvents();
            ServiceFailureReporter failures = ServiceFailureReporter.to(failureListener, runOn);
            SharedEventLoops loops = SharedEventLoops.create("firehose-secure-io-client", ioThreads);
            shared.loops = loops;
            AssumedRoleCredentials identity = StsCredentials.webIdentity(settings, runOn, events, failures, loops);
            shared.identity = identity;
            AwsCredentialsProvider base = identity != null ? identity : settings.credentialsProvider();
            AssumeRole assumeRole = settings.assumeRole();
            SessionScope scope = new SessionScope();
            AssumedRoleCredentials role = assumeRole == null
                    ? null
                    : StsCredentials.forScope(settings, base, assumeRole, runOn, events, failures, scope, loops);
            shared.role = role;
            AwsCredentialsProvider signer = role != null ? role : base;
            shared.firehose = FirehoseEndpoint.open(settings, events, signer, loops, maxConnections);
            shared.kms = settings.encryption() == null ? null : Encryption.kmsClient(settings, signer, events, loops);
            ClientResources resources = new ClientResources(
                    settings, runOn, shared, events, failures, failureListener != null, tracing, scope, minShare);
            if (role == null) {
                // Nothing to scope: the web identity (if any) signs from now on.
                resources.sessionsStarted.set(true);
                AssumedRoleCredentials.startSessions(identity, null);
            }
            built = true;
            return resources;
        } finally {
            if (!built) {
                shared.close(); // a refused endpoint or STS setup: release what was already started
            }
        }
    }

    /**
     * Builds a stream's engine on the shared resources. With a role, the stream joins the session's scope first,
     * which renews the session; the stream sends once a session naming it has come.
     *
     * @param config the stream's settings (the client's, with the stream's name and overrides)
     * @param weight the stream's weight in the buffer
     * @return the stream's started core
     * @throws IllegalStateException if the role's session policy could not name one more stream
     */
    public ProducerCore openStream(ProducerConfig config, int weight) {
        AssumeRole assumeRole = settings.assumeRole();
        AssumedRoleCredentials session = shared.role;
        AssumedRoleCredentials identity = shared.identity;
        String stream = config.deliveryStreamName();
        String streamArn = assumeRole == null ? null : StsCredentials.streamArn(config, assumeRole);
        StreamGate gate = null;
        if (session != null && assumeRole != null && streamArn != null) {
            gate = new StreamGate(session, scope.widen(streamArn, arns -> checkPolicy(assumeRole, arns)), stream);
        } else if (identity != null) {
            gate = new StreamGate(identity, StreamGate.ANY_SCOPE, stream);
        }
        SendGate credentials = gate != null ? gate : SendGate.OPEN;
        RecordEncryptor encryptor = null;
        BufferMemory memory = null;
        boolean built = false;
        try {
            KmsClients.Secured keys = shared.kms;
            encryptor = keys == null
                    ? null
                    : Encryption.create(
                            config,
                            keys.borrowed(),
                            credentials,
                            runOn,
                            ProducerAssembly.expiryCheckInterval(config.deliveryTimeout()),
                            failures);
            BatchTransport transport = ProducerAssembly.observed(
                    Objects.requireNonNull(shared.firehose).forStream(config),
                    config,
                    reportFailures,
                    failures,
                    tracing,
                    dispatch,
                    runOn);
            memory = buffer.join(weight, runOn);
            ProducerCore core = new ProducerCore(
                    config, transport, runOn, null, events, this::credentialFailures, encryptor, credentials, memory);
            core.metrics().listenerMeters(dispatch);
            if (tracing != null) {
                core.traceSends(tracing);
            }
            if (session != null) {
                if (sessionsStarted.compareAndSet(false, true)) {
                    AssumedRoleCredentials.startSessions(identity, session);
                } else {
                    session.renew();
                }
            }
            if (gate != null) {
                gates.put(stream, gate);
            }
            built = true;
            return core;
        } finally {
            if (!built) {
                if (gate != null) {
                    gate.release();
                }
                if (encryptor != null) {
                    encryptor.close();
                }
                if (memory != null) {
                    memory.close();
                }
                if (streamArn != null) {
                    scope.narrow(streamArn);
                }
            }
        }
    }

    private void checkPolicy(AssumeRole assumeRole, List<String> arns) {
        try {
            StsCredentials.sessionPolicy(settings, assumeRole, false, arns);
        } catch (IllegalStateException tooLong) {
            throw new IllegalStateException(
                    "the session policy of role " + assumeRole.roleArn() + " cannot name " + arns.size()
                            + " streams: " + tooLong.getMessage() + ". Give some streams a client of their own"
                            + " with another role (one role per stream is the narrowest policy)",
                    tooLong);
        }
    }

    /**
     * A stream's core was closed: its gate stops listening to the session, and its ARN leaves the session policy at
     * the next renewal.
     *
     * @param config the stream's settings
     */
    public void streamClosed(ProducerConfig config) {
        StreamGate gate = gates.remove(config.deliveryStreamName());
        if (gate != null) {
            gate.release();
        }
        AssumeRole assumeRole = settings.assumeRole();
        if (assumeRole != null) {
            scope.narrow(StsCredentials.streamArn(config, assumeRole));
        }
    }

    private long credentialFailures() {
        AssumedRoleCredentials web = shared.identity;
        AssumedRoleCredentials session = shared.role;
        return (web == null ? 0 : web.failures()) + (session == null ? 0 : session.failures());
    }

    /** Stops what the streams shared: connections, sessions, event loops, the listener's and sender's threads. */
    @Override
    public void close() {
        shared.close();
    }

    private static void closeQuietly(@Nullable AutoCloseable resource) {
        if (resource == null) {
            return;
        }
        try {
            resource.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", resource.getClass().getSimpleName(), e.toString());
        }
    }
}
