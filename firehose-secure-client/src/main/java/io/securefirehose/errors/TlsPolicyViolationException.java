package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A record's future fails with this when the connection to the endpoint did not meet the TLS rules: the negotiated
 * protocol or cipher suite is not allowed by the producer's {@link io.securefirehose.transport.TlsPolicy}, the
 * certificate chain is not trusted, the certificate does not match the host name, or the handshake failed for
 * another reason. The connection was closed during the handshake, before any request byte was sent.
 *
 * <p>Not retriable: the same endpoint will be refused again until its TLS setup or the producer's trust material
 * changes.
 */
@API(status = STABLE, since = "0.1.0")
public final class TlsPolicyViolationException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /** The endpoint connected to, {@code host:port}. */
    private final String endpoint;

    /** The negotiated protocol, or {@code none} if the handshake ended before one was agreed. */
    private final String protocol;

    /** The negotiated cipher suite, or {@code none}. */
    private final String cipherSuite;

    /** The rule that was broken. */
    private final String rule;

    /**
     * Creates the exception.
     *
     * @param endpoint the endpoint connected to, {@code host:port}
     * @param protocol the negotiated protocol, or {@code none}
     * @param cipherSuite the negotiated cipher suite, or {@code none}
     * @param rule the rule that was broken, and how to fix it
     * @param cause the handshake failure, or {@code null}
     */
    public TlsPolicyViolationException(
            String endpoint, String protocol, String cipherSuite, String rule, @Nullable Throwable cause) {
        super(
                "TLS connection to " + endpoint + " refused before any request was sent: " + rule + " (negotiated "
                        + protocol + ", " + cipherSuite + ")",
                cause,
                false);
        this.endpoint = endpoint;
        this.protocol = protocol;
        this.cipherSuite = cipherSuite;
        this.rule = rule;
    }

    /** @return the endpoint connected to, {@code host:port} */
    public String endpoint() {
        return endpoint;
    }

    /** @return the negotiated protocol, or {@code none} */
    public String protocol() {
        return protocol;
    }

    /** @return the negotiated cipher suite, or {@code none} */
    public String cipherSuite() {
        return cipherSuite;
    }

    /** @return the rule that was broken */
    public String rule() {
        return rule;
    }
}
