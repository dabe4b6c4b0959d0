package io.securefirehose.internal.tls;

import io.netty.channel.socket.nio.NioSocketChannel;
import io.securefirehose.errors.EndpointPolicyViolationException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The socket channel of every connection this SDK opens: its TLS handshake offers only what the policy allows
 * ({@link TlsOffer}), and, when the endpoint's addresses were verified at build, it connects only to those. Netty
 * calls {@link #doConnect} with the address it has just resolved, before the TCP handshake: a refusal there means
 * no packet, let alone a request byte, reaches the unverified address.
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

    private final @Nullable AddressPinning pinning;

    /**
     * @param offer what the handshake offers
     * @param pinning the verified addresses, or {@code null} when the endpoint's addresses are not pinned
     */
    SecureSocketChannel(TlsOffer offer, @Nullable AddressPinning pinning) {
        this.pinning = pinning;
        // First in the pipeline: it sees the connection become active before the SDK's TLS handler does.
        pipeline().addLast(offer.handler());
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
        return super.doConnect(remote, local);
    }
}
