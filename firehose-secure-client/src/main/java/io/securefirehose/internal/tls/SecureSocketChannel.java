package io.securefirehose.internal.tls;

import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.errors.TlsPolicyViolationException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import org.jspecify.annotations.Nullable;

/**
 * The socket channel of every connection this SDK opens: its TLS handshake offers only what the policy allows
 * ({@link TlsOffer}), and, when the endpoint's addresses were verified at build, it connects only to those. Netty
 * calls {@link #doConnect} with the address it has just resolved, before the TCP handshake: a refusal there means
 * no packet, let alone a request byte, reaches the unverified address.
 *
 * <p>The TLS engine is restricted there too, before the TCP handshake, rather than when the connection becomes
 * active: Netty completes the connect promise before it fires {@code channelActive}, and a connection pool may write
 * its first request from that promise's listener, which makes the TLS handler send its ClientHello at once. A
 * channel without a TLS handler, or whose engine has already begun a handshake, is refused at the same point.
 * Runs on the channel's event loop.
 */
final class SecureSocketChannel extends NioSocketChannel {

    /** Carries the typed refusal through Netty's connect failure to the transport. */
    static final class Refusal extends ConnectException {
        private static final long serialVersionUID = 1L;

        /** The typed refusal. */
        private final EndpointPolicyViolationException violation;

        Refusal(EndpointPolicyViolationException violation) {
            super(violation.getMessage());
            initCause(violation);
            this.violation = violation;
        }

        EndpointPolicyViolationException violation() {
            return violation;
        }
    }

    private final TlsOffer offer;
    private final @Nullable AddressPinning pinning;

    /**
     * @param offer what the handshake offers
     * @param pinning the verified addresses, or {@code null} when the endpoint's addresses are not pinned
     */
    SecureSocketChannel(TlsOffer offer, @Nullable AddressPinning pinning) {
        this.offer = offer;
        this.pinning = pinning;
    }

    @Override
    protected boolean doConnect(SocketAddress remote, @Nullable SocketAddress local) throws Exception {
        if (!(remote instanceof InetSocketAddress inet)) {
            throw new ConnectException("only IP connections are allowed, was " + remote);
        }
        if (pinning != null) {
            EndpointPolicyViolationException refusal = pinning.check(inet);
            if (refusal != null) {
                throw new Refusal(refusal);
            }
        }
        offer.restrict(unstartedEngine(inet));
        return super.doConnect(remote, local);
    }

    private SSLEngine unstartedEngine(InetSocketAddress remote) throws ConnectException {
        SslHandler tls = pipeline().get(SslHandler.class);
        if (tls == null) {
            // The builders and EndpointGuard refuse plain-HTTP endpoints earlier; this is the line behind them.
            throw new Refusal(new EndpointPolicyViolationException("the connection to " + remote
                    + " has no TLS handler: every connection of this SDK uses TLS, and one without it is never"
                    + " opened"));
        }
        SSLEngine engine = tls.engine();
        if (engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING) {
            ConnectException refused = new ConnectException("the TLS handshake had already started");
            refused.initCause(new TlsPolicyViolationException(
                    remote.toString(),
                    "none",
                    "none",
                    "the TLS handshake had already started before the policy's protocols and suites were set, so"
                            + " its ClientHello could offer anything: the connection is not opened",
                    null));
            throw refused;
        }
        return engine;
    }
}
