package io.securefirehose.cli;

import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One TLS handshake with an endpoint, for the doctor: offers exactly what the policy allows, verifies the chain
 * against the trust material and the host name, and reports what was agreed. Sends no application data.
 */
final class TlsProbe {

    /** What the handshake agreed. */
    record Agreed(String protocol, String cipherSuite) {}

    private TlsProbe() {}

    /**
     * @throws IOException with the reason when the handshake fails (no common protocol or suite, an untrusted or
     *     mismatched certificate, no connection)
     */
    static Agreed handshake(String host, InetAddress address, int port, TrustMaterial trust, TlsPolicy policy)
            throws IOException {
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(null, trust.trustManagers(), null);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS: " + e.getMessage(), e);
        }
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(address, port), 10_000);
            plain.setSoTimeout(10_000);
            Socket layered = context.getSocketFactory().createSocket(plain, host, port, false);
            if (!(layered instanceof SSLSocket secured)) {
                layered.close();
                throw new IOException("the JDK's TLS socket factory returned no TLS socket");
            }
            try (SSLSocket tls = secured) {
                SSLParameters parameters = tls.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setProtocols(allowed(tls.getSupportedProtocols(), policy.protocols()));
                parameters.setCipherSuites(allowed(tls.getSupportedCipherSuites(), policy.cipherSuites()));
                tls.setSSLParameters(parameters);
                tls.startHandshake();
                String protocol = tls.getSession().getProtocol();
                String suite = tls.getSession().getCipherSuite();
                Optional<String> violation = policy.violation(protocol, suite);
                if (violation.isPresent()) {
                    throw new IOException(violation.get());
                }
                return new Agreed(protocol, suite);
            }
        }
    }

    private static String[] allowed(String[] supported, Set<String> policy) {
        List<String> both = new ArrayList<>();
        for (String candidate : supported) {
            if (policy.contains(candidate)) {
                both.add(candidate);
            }
        }
        return both.toArray(new String[0]);
    }
}
