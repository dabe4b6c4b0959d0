package io.securefirehose.internal.tls;

import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.errors.TlsPolicyViolationException;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLHandshakeException;
import org.jspecify.annotations.Nullable;

/**
 * Turns a connection the rules refused into its typed exception, the same way for every client of this SDK (the
 * AWS SDK's Netty client under {@link SecureHttpClient}, and the producer's own connections under
 * {@link SecureConnector}): the refusal travels through the TLS stack or Netty's connect failure wrapped in whatever
 * exception those raise, and is taken out here.
 */
final class TypedRefusals {

    private TypedRefusals() {}

    /**
     * @param endpointName {@code host:port}, for a handshake that failed before anything was agreed
     * @param error what the connection or exchange failed with
     * @return the first exception of this SDK's own types in the cause chain (a TLS, address or request refusal, or
     *     a failure another client already typed, such as STS behind the credentials), or, for a handshake that
     *     ended before anything was agreed, a {@link TlsPolicyViolationException} that says so; any other failure
     *     unchanged, unwrapped from {@link CompletionException}
     */
    static Throwable typedOr(String endpointName, Throwable error) {
        @Nullable SSLHandshakeException handshake = null;
        for (@Nullable Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FirehoseSecureException typed) {
                return typed;
            }
            if (t instanceof PolicyEnforcingTrustManager.Refusal refusal) {
                return refusal.violation();
            }
            if (t instanceof SecureSocketChannel.Refusal refusal) {
                return refusal.violation();
            }
            if (t instanceof SSLHandshakeException found && handshake == null) {
                handshake = found;
            }
        }
        if (handshake == null) {
            Throwable cause = error.getCause();
            return error instanceof CompletionException && cause != null ? cause : error;
        }
        return new TlsPolicyViolationException(
                endpointName,
                "none",
                "none",
                "the TLS handshake failed before a protocol and cipher suite were agreed: " + handshake.getMessage()
                        + " (the endpoint must offer TLS 1.2 with ECDHE and AEAD ciphers, or TLS 1.3)",
                handshake);
    }
}
