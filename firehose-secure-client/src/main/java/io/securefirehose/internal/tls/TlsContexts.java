package io.securefirehose.internal.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.OpenSslContextOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.securefirehose.errors.TlsPolicyViolationException;
import io.securefirehose.transport.TlsEngine;
import io.securefirehose.transport.TlsPolicy;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;

/**
 * The TLS context of the producer's own connections, for either engine, with the offer set in the context itself.
 * For BoringSSL, whose TLS 1.3 suites cannot be chosen (it always offers all three AEAD suites), a policy that
 * leaves one of them out is refused rather than offered more than it allows; so is a policy whose key exchange
 * groups have no BoringSSL name.
 */
final class TlsContexts {

    /** What BoringSSL offers in TLS 1.3, whatever it is told. */
    static final List<String> BORINGSSL_TLS13_SUITES =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private static final Map<String, String> BORINGSSL_GROUPS =
            Map.of("secp256r1", "P-256", "secp384r1", "P-384", "secp521r1", "P-521", "x25519", "X25519");

    private TlsContexts() {}

    /**
     * @throws IllegalStateException if BoringSSL is asked for and is not on the class path
     * @throws TlsPolicyViolationException if BoringSSL is asked for and cannot offer exactly what the policy allows
     */
    static SslContext client(TlsEngine engine, TlsPolicy policy, TlsOffer offer, TrustManager trust) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .trustManager(trust)
                .protocols(offer.protocols())
                .ciphers(offer.cipherSuites())
                .endpointIdentificationAlgorithm("HTTPS");
        if (engine == TlsEngine.BORINGSSL) {
            requireBoringSsl(policy, offer);
            builder.sslProvider(SslProvider.OPENSSL);
            if (!policy.namedGroups().isEmpty()) {
                builder.option(OpenSslContextOption.GROUPS, boringSslGroups(policy));
            }
        } else {
            // Chosen explicitly, never by whatever TLS library happens to be on the class path.
            builder.sslProvider(SslProvider.JDK);
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("the " + engine + " TLS engine could not be set up: " + e.getMessage(), e);
        }
    }

    private static void requireBoringSsl(TlsPolicy policy, TlsOffer offer) {
        if (!OpenSsl.isAvailable()) {
            throw new IllegalStateException("tlsEngine(BORINGSSL) needs io.netty:netty-tcnative-boringssl-static"
                    + " (2.0.84.Final, with the classifier of this platform, for example linux-x86_64) on the class"
                    + " path, and it could not be loaded: " + OpenSsl.unavailabilityCause()
                    + "; add it, or use TlsEngine.JDK (the default)");
        }
        if (offer.protocols().contains(TlsPolicy.TLS_1_3)) {
            for (String suite : BORINGSSL_TLS13_SUITES) {
                if (policy.violation(TlsPolicy.TLS_1_3, suite).isPresent()) {
                    throw new TlsPolicyViolationException(
                            "any",
                            TlsPolicy.TLS_1_3,
                            suite,
                            "BoringSSL offers every TLS 1.3 AEAD suite and cannot leave out " + suite + ", which "
                                    + policy + " does not allow: use TlsEngine.JDK with this policy",
                            null);
                }
            }
        }
    }

    private static String[] boringSslGroups(TlsPolicy policy) {
        String[] groups = new String[policy.namedGroups().size()];
        for (int i = 0; i < groups.length; i++) {
            String group = policy.namedGroups().get(i);
            String name = BORINGSSL_GROUPS.get(group);
            if (name == null) {
                throw new TlsPolicyViolationException(
                        "any",
                        "none",
                        "none",
                        policy + " allows key exchange on " + policy.namedGroups() + ", and BoringSSL has no name for "
                                + group + ": use TlsEngine.JDK with this policy",
                        null);
            }
            groups[i] = name;
        }
        return groups;
    }
}
