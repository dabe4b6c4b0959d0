package io.securefirehose;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * How the producer turns a batch into a {@code PutRecordBatch} call. Both paths share everything else: the
 * accumulator, retries, metrics, TLS policy, address pinning, credentials and SigV4 signing; both map every
 * answer to the same outcomes and exceptions. See {@code docs/performance.md} for what each costs.
 */
@API(status = STABLE, since = "0.1.0")
public enum RequestPath {

    /**
     * The default: the producer writes the request body itself (each record's base64 straight into one pooled
     * buffer) and reads the answer with a streaming JSON parser; the AWS SDK still resolves credentials and signs
     * the request with its SigV4 signer. The request goes in one write over the producer's own kept-alive HTTP/1.1
     * connections on Netty, each used only after its TLS handshake has completed and been checked against the
     * policy.
     */
    LEAN,

    /**
     * The AWS SDK's {@code FirehoseAsyncClient} marshals and unmarshals each call. Several times the CPU and
     * allocation per record of {@link #LEAN}; kept for comparison and as a fallback.
     */
    SDK_CLIENT
}
