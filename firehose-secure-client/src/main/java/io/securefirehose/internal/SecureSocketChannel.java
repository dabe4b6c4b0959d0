package io.securefirehose.internal;

import io.netty.channel.socket.nio.NioSocketChannel;
import io.securefirehose.EndpointPolicyViolationException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * A socket channel that connects only to pinned addresses. Netty calls {@link #doConnect} with the address it has
 * just resolved, before the TCP handshake: a refusal here means no packet, let alone a request byte, reaches the
 * unverified address.
 */
final class PinnedSocketChannel extends NioSocketChannel {

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

    private final AddressPinning pinning;

    PinnedSocketChannel(AddressPinning pinning) {
        this.pinning = pinning;
    }

    @Override
    protected boolean doConnect(SocketAddress remote, @Nullable SocketAddress local) throws Exception {
        if (!(remote instanceof InetSocketAddress inet)) {
            throw new ConnectException("only IP connections are allowed, was " + remote);
        }
        EndpointPolicyViolationException refusal = pinning.check(inet);
        if (refusal != null) {
            throw new Refusal(refusal);
        }
        return super.doConnect(remote, local);
    }
}
