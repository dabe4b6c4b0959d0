package io.securefirehose.internal.http;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.ProducerConfig;
import io.securefirehose.RequestPath;
import io.securefirehose.internal.tls.SecureConnector;
import io.securefirehose.internal.tls.SecureHttpClient;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.tls.SharedEventLoops;
import java.util.Objects;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The one connection pool to a client's Firehose endpoint, under the client's rules (TLS policy, trust, address
 * pinning) and on its shared event loops: every stream's transport sends through it, and a stream's transport
 * closing leaves it open. Requests wait for a connection in the order they asked, whatever their stream.
 * Thread-safe.
 */
@API(status = INTERNAL, since = "0.6.0")
public final class FirehoseEndpoint implements AutoCloseable {

    private final AwsCredentialsProvider signer;
    private final LeanBatchTransport.@Nullable Pool pool;
    private final @Nullable SdkBatchTransport sdk;

    private FirehoseEndpoint(
            AwsCredentialsProvider signer, LeanBatchTransport.@Nullable Pool pool, @Nullable SdkBatchTransport sdk) {
        this.signer = signer;
        this.pool = pool;
        this.sdk = sdk;
    }

    /**
     * Verifies (and pins) the endpoint's addresses when the rules ask for it, and makes the pool.
     *
     * @param config the client's settings: endpoint, rules, request path
     * @param events where refused connections are counted
     * @param signer the credentials every stream signs with
     * @param loops the client's event loops
     * @param maxConnections most connections open at once, over all streams
     * @return the endpoint's pool
     */
    public static FirehoseEndpoint open(
            ProducerConfig config,
            SecurityEvents events,
            AwsCredentialsProvider signer,
            SharedEventLoops loops,
            int maxConnections) {
        if (config.requestPath() == RequestPath.SDK_CLIENT) {
            return new FirehoseEndpoint(
                    signer, null, SdkBatchTransport.create(config, events, signer, maxConnections, loops));
        }
        SecureConnector connector = SecureConnector.create(
                "firehose-secure-io",
                config.firehoseEndpoint(),
                new SecureHttpClient.Rules(
                        config.trustMaterial(), config.tlsPolicy(), config.allowedCidrs(), config.hostResolver()),
                config.tlsEngine(),
                events,
                loops);
        return new FirehoseEndpoint(signer, new LeanBatchTransport.Pool(connector, maxConnections), null);
    }

    /**
     * @param config the stream's settings (its name, request timeout and requests in flight)
     * @return the stream's transport on this pool; closing it leaves the pool open
     */
    public BatchTransport forStream(ProducerConfig config) {
        if (sdk != null) {
            return sdk.borrowedFor(config.deliveryStreamName());
        }
        return LeanBatchTransport.onPool(Objects.requireNonNull(pool), config, signer);
    }

    /** Closes every connection; requests still on them fail. */
    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
        if (sdk != null) {
            sdk.close();
        }
    }
}
