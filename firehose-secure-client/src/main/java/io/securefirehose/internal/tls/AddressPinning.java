package io.securefirehose.internal.tls;

import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.transport.CidrRange;
import io.securefirehose.transport.HostResolver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The addresses an endpoint was verified to have when the producer was built, and the check that every later
 * connection goes to one of them. DNS is asked once, at build; a later answer that differs is never followed.
 */
final class AddressPinning {

    private final String host;
    private final Set<InetAddress> pinned;
    private final SecurityEvents events;

    private AddressPinning(String host, Set<InetAddress> pinned, SecurityEvents events) {
        this.host = host;
        this.pinned = pinned;
        this.events = events;
    }

    /**
     * Resolves {@code host} and checks that every address lies in an allowed range.
     *
     * @throws EndpointPolicyViolationException naming the addresses and ranges, if one lies outside or the name
     *     does not resolve
     */
    static AddressPinning verify(String host, HostResolver resolver, List<CidrRange> allowed, SecurityEvents events) {
        List<InetAddress> addresses;
        try {
            addresses = resolver.resolve(host);
        } catch (UnknownHostException e) {
            throw new EndpointPolicyViolationException("endpoint " + host + " does not resolve (" + e.getMessage()
                    + "): check the VPC endpoint's DNS" + " name and that the producer runs inside the VPC");
        }
        if (addresses.isEmpty()) {
            throw new EndpointPolicyViolationException("endpoint " + host + " resolved to no address");
        }
        List<String> outside = new ArrayList<>();
        for (InetAddress address : addresses) {
            if (allowed.stream().noneMatch(range -> range.contains(address))) {
                outside.add(address.getHostAddress());
            }
        }
        if (!outside.isEmpty()) {
            boolean loopback = addresses.stream().anyMatch(InetAddress::isLoopbackAddress);
            throw new EndpointPolicyViolationException("endpoint " + host + " resolves to " + text(addresses) + ", and "
                    + outside + " lie outside the allowed ranges " + allowed
                    + ": use the VPC endpoint's DNS name (or private DNS), or allow the VPC's own CIDRs with"
                    + " allowedCidrs(...)"
                    + (loopback ? "; loopback is not private: a local test endpoint needs 127.0.0.0/8 allowed" : ""));
        }
        return new AddressPinning(host, new LinkedHashSet<>(addresses), events);
    }

    /** The refusal for a connection to {@code remote}, or {@code null} if it goes to a pinned address. */
    @Nullable
    EndpointPolicyViolationException check(InetSocketAddress remote) {
        InetAddress address = remote.getAddress();
        if (address != null && pinned.contains(address)) {
            return null;
        }
        if (address != null) {
            events.addressRefused(host, address, pinned);
        }
        return new EndpointPolicyViolationException("connection to " + host + " refused before any byte was sent: it"
                + " resolved to " + (address == null ? "nothing" : address.getHostAddress())
                + ", which is not one of the addresses verified at start " + text(pinned)
                + "; DNS for the endpoint changed: check it, then build the producer again");
    }

    private static List<String> text(Iterable<InetAddress> addresses) {
        List<String> list = new ArrayList<>();
        addresses.forEach(a -> list.add(a.getHostAddress()));
        return list;
    }
}
