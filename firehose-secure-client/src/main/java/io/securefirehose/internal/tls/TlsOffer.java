package io.securefirehose.internal.tls;

import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * What the client offers in its TLS handshake: exactly the policy's protocols and cipher suites that the JDK
 * supports, in the policy's order (TLS 1.3 suites first, then ECDHE-ECDSA before ECDHE-RSA, AES-128-GCM before
 * AES-256-GCM before ChaCha20-Poly1305). A server that also supports a weaker suite cannot pick it, because it is
 * never offered; a server with no suite in common fails the handshake before anything is agreed. The policy check
 * in {@link PolicyEnforcingTrustManager} stays as the second line.
 *
 * <p>The AWS SDK's Netty client has no option for protocols or suites, so {@link SecureSocketChannel} sets them on
 * the engine of the SDK's TLS handler before the TCP handshake, before anything can make that handler send its
 * ClientHello. Immutable; one instance serves every channel of a client.
 */
final class TlsOffer {

    private final String[] protocols;
    private final String[] cipherSuites;

    private TlsOffer(String[] protocols, String[] cipherSuites) {
        this.protocols = protocols;
        this.cipherSuites = cipherSuites;
    }

    /**
     * @param policy the policy to offer
     * @return the offer: the policy's protocols and suites that this JDK supports
     * @throws TlsPolicyViolationException if this JDK supports none of the policy's suites for one of its protocols
     */
    static TlsOffer of(TlsPolicy policy) {
        return of(policy, TlsEngine.JDK);
    }

    /**
     * @param policy the policy to offer
     * @param engine the engine that will offer it: the JVM-wide key exchange groups are checked for the JDK's only
     *     (BoringSSL is given the policy's groups in its context, see {@link TlsContexts})
     * @return the offer: the policy's protocols and suites that this JDK supports
     * @throws TlsPolicyViolationException if this JDK supports none of the policy's suites for one of its protocols
     */
    static TlsOffer of(TlsPolicy policy, TlsEngine engine) {
        SSLEngine probe;
        try {
            probe = SSLContext.getDefault().createSSLEngine();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no default TLS context", e);
        }
        Set<String> supportedProtocols = Set.of(probe.getSupportedProtocols());
        Set<String> supportedSuites = Set.of(probe.getSupportedCipherSuites());
        List<String> protocols = new ArrayList<>();
        for (String protocol : policy.protocols()) {
            if (supportedProtocols.contains(protocol)) {
                protocols.add(protocol);
            }
        }
        List<String> suites = new ArrayList<>();
        for (String suite : policy.cipherSuites()) {
            if (supportedSuites.contains(suite)) {
                suites.add(suite);
            }
        }
        if (protocols.isEmpty() || suites.isEmpty()) {
            throw new TlsPolicyViolationException(
                    "any",
                    "none",
                    "none",
                    "this JDK supports none of the protocols " + policy.protocols() + " or cipher suites of "
                            + policy + " (supported protocols: " + supportedProtocols + "): run on Java 17 or later"
                            + " with the default security providers",
                    null);
        }
        String[] offeredProtocols = protocols.toArray(new String[0]);
        String[] offeredSuites = suites.toArray(new String[0]);
        if (engine == TlsEngine.JDK && !policy.namedGroups().isEmpty()) {
            requireOnlyPolicyGroups(policy, OfferedGroups.offered(offeredProtocols, offeredSuites));
        }
        return new TlsOffer(offeredProtocols, offeredSuites);
    }

    /**
     * The JDK 17 engine has no per-connection setting for key exchange groups: a policy that limits them holds only
     * if the JVM's own ClientHello offers no other group.
     */
    private static void requireOnlyPolicyGroups(TlsPolicy policy, List<String> offered) {
        List<String> outside =
                offered.stream().filter(g -> !policy.namedGroups().contains(g)).toList();
        if (offered.isEmpty() || !outside.isEmpty()) {
            throw new TlsPolicyViolationException(
                    "any",
                    "none",
                    "none",
                    policy + " offers key exchange on " + policy.namedGroups() + " only, but this JVM's ClientHello"
                            + " offers " + offered + ": on Java 17 the JDK takes the groups from the JVM-wide"
                            + " property jdk.tls.namedGroups, read once when TLS is first used; start the JVM with"
                            + " -Djdk.tls.namedGroups=" + String.join(",", policy.namedGroups()),
                    null);
        }
    }

    /**
     * An offer of exactly these protocols and suites, unchecked: for tests that take the earlier lines away to prove
     * a later one.
     */
    static TlsOffer exactly(List<String> protocols, List<String> cipherSuites) {
        return new TlsOffer(protocols.toArray(new String[0]), cipherSuites.toArray(new String[0]));
    }

    /** @return the protocols offered, in order */
    List<String> protocols() {
        return List.of(protocols);
    }

    /** @return the cipher suites offered, in order of preference */
    List<String> cipherSuites() {
        return List.of(cipherSuites);
    }

    /** Restricts an engine that has not started its handshake to this offer. */
    void restrict(SSLEngine engine) {
        engine.setEnabledProtocols(protocols.clone());
        engine.setEnabledCipherSuites(cipherSuites.clone());
    }
}
