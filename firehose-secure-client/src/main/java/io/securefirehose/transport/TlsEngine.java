package io.securefirehose.transport;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Which TLS implementation carries the producer's own Firehose connections (the {@code LEAN} request path). The
 * rules are the same on both: the offer holds only the {@link TlsPolicy}'s protocols and suites, the trust manager
 * checks the policy, the certificate chain and the host name during the handshake, the agreed protocol and suite are
 * checked again before the first request byte, and pinned addresses hold. The SDK-client request path, STS and KMS
 * always use the JDK's engine.
 */
@API(status = EXPERIMENTAL, since = "0.2.0")
public enum TlsEngine {

    /** The JDK's own {@code SSLEngine}: the default, with nothing to add to the class path. */
    JDK,

    /**
     * BoringSSL through Netty's {@code netty-tcnative-boringssl-static} (an optional dependency: add it, with the
     * classifier of your platform, for example {@code linux-x86_64}). Less CPU per record on the I/O threads. A
     * producer built with it where it is missing is refused at {@code build()}, naming the dependency; so is a
     * policy BoringSSL cannot offer exactly (it offers every TLS 1.3 AEAD suite, so a policy that leaves one out,
     * such as {@link TlsPolicy#FIPS}, is refused).
     */
    BORINGSSL
}
