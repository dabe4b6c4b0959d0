package io.securefirehose.internal.tls;

import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.transport.TlsPolicy;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.X509ExtendedTrustManager;
import org.jspecify.annotations.Nullable;

/**
 * Enforces the TLS rules during the handshake, which is the one place the AWS SDK's Netty client lets us in: when
 * the server's certificate arrives, the handshake session already knows the negotiated protocol and cipher suite,
 * and no request byte has been written yet. In order, it refuses the connection (by throwing, which aborts the
 * handshake) when:
 *
 * <ol>
 *   <li>the protocol or cipher suite is not allowed by the {@link TlsPolicy};
 *   <li>host name verification is not switched on for the connection (it always is; this guards against a
 *       future client that forgets to);
 *   <li>the certificate chain or host name does not verify against the trusted authorities.
 * </ol>
 *
 * <p>Client-side only: client certificates and connections without an {@link SSLEngine} are refused.
 */
final class PolicyEnforcingTrustManager extends X509ExtendedTrustManager {

    /** A {@link CertificateException} that carries the typed refusal through the TLS stack to the transport. */
    static final class Refusal extends CertificateException {
        private static final long serialVersionUID = 1L;

        /** The typed refusal. */
        private final TlsPolicyViolationException violation;

        Refusal(TlsPolicyViolationException violation) {
            super(violation.getMessage(), violation);
            this.violation = violation;
        }

        TlsPolicyViolationException violation() {
            return violation;
        }
    }

    /** What an engine's handshake session reports before a cipher suite has been agreed. */
    static final String NO_SUITE_YET = "SSL_NULL_WITH_NULL_NULL";

    private final X509ExtendedTrustManager delegate;
    private final TlsPolicy policy;
    private final boolean suiteCheckedAfterHandshake;

    PolicyEnforcingTrustManager(X509ExtendedTrustManager delegate, TlsPolicy policy) {
        this(delegate, policy, false);
    }

    private PolicyEnforcingTrustManager(
            X509ExtendedTrustManager delegate, TlsPolicy policy, boolean suiteCheckedAfterHandshake) {
        this.delegate = delegate;
        this.policy = policy;
        this.suiteCheckedAfterHandshake = suiteCheckedAfterHandshake;
    }

    /**
     * For BoringSSL, whose handshake session does not yet name the agreed suite when the certificate is checked
     * ({@link #NO_SUITE_YET}): the protocol, the chain and the host name are checked here as for the JDK's engine;
     * the suite, which BoringSSL's restricted offer already confines to the policy, is checked by
     * {@link SecureConnector} once the handshake has completed, before any request byte. A suite that is named and
     * not allowed is refused here all the same.
     */
    static PolicyEnforcingTrustManager suiteCheckedAfterHandshake(X509ExtendedTrustManager delegate, TlsPolicy policy) {
        return new PolicyEnforcingTrustManager(delegate, policy, true);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        String endpoint = engine.getPeerHost() + ":" + engine.getPeerPort();
        @Nullable SSLSession session = engine.getHandshakeSession();
        if (session == null) {
            throw refusal(endpoint, "none", "none", "the handshake session could not be inspected", null);
        }
        String protocol = session.getProtocol();
        String cipherSuite = session.getCipherSuite();
        Optional<String> broken = suiteCheckedAfterHandshake && NO_SUITE_YET.equals(cipherSuite)
                ? protocolViolation(protocol)
                : policy.violation(protocol, cipherSuite);
        if (broken.isPresent()) {
            throw refusal(endpoint, protocol, cipherSuite, broken.get(), null);
        }
        String identification = engine.getSSLParameters().getEndpointIdentificationAlgorithm();
        if (!"HTTPS".equalsIgnoreCase(identification)) {
            throw refusal(
                    endpoint, protocol, cipherSuite, "host name verification is not active on the connection", null);
        }
        try {
            delegate.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw refusal(
                    endpoint,
                    protocol,
                    cipherSuite,
                    "the server certificate was not accepted: " + e.getMessage()
                            + " (trust its certificate authority with trustMaterial, or fix the endpoint's certificate)",
                    e);
        }
    }

    private Optional<String> protocolViolation(String protocol) {
        return policy.protocols().contains(protocol)
                ? Optional.empty()
                : Optional.of("protocol " + protocol + " is not allowed by TLS policy " + policy.name() + " (allowed: "
                        + String.join(", ", policy.protocols()) + ")");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw refusal(
                String.valueOf(socket.getRemoteSocketAddress()),
                "none",
                "none",
                "only SSLEngine connections are checked",
                null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw refusal("unknown", "none", "none", "a connection without host name verification", null);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("the producer does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("the producer does not accept client connections");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("the producer does not accept client connections");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return delegate.getAcceptedIssuers();
    }

    private static Refusal refusal(
            String endpoint, String protocol, String cipherSuite, String rule, @Nullable Throwable cause) {
        return new Refusal(new TlsPolicyViolationException(endpoint, protocol, cipherSuite, rule, cause));
    }
}
