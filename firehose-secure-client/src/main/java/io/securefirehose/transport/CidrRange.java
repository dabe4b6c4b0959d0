package io.securefirehose.transport;

import static org.apiguardian.api.API.Status.STABLE;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * An IPv4 or IPv6 address range in CIDR notation, for example {@code 10.0.0.0/8} or {@code fc00::/7}.
 *
 * <p>Immutable and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class CidrRange {

    /** The private ranges a VPC interface endpoint's addresses lie in: RFC 1918 and IPv6 unique local addresses. */
    public static final List<CidrRange> PRIVATE_RANGES =
            List.of(parse("10.0.0.0/8"), parse("172.16.0.0/12"), parse("192.168.0.0/16"), parse("fc00::/7"));

    private final String text;
    private final byte[] network;
    private final int prefixLength;

    private CidrRange(String text, byte[] network, int prefixLength) {
        this.text = text;
        this.network = network;
        this.prefixLength = prefixLength;
    }

    /**
     * Parses several ranges, as the {@code allowedCidrs(...)} options take them.
     *
     * @param cidrs ranges such as {@code 10.1.0.0/16}; at least one
     * @return the ranges, in order
     * @throws IllegalArgumentException if none is given or one is malformed
     */
    public static List<CidrRange> parseAll(String... cidrs) {
        Objects.requireNonNull(cidrs, "allowedCidrs must not be null");
        if (cidrs.length == 0) {
            throw new IllegalArgumentException("allowedCidrs needs at least one range");
        }
        List<CidrRange> ranges = new ArrayList<>();
        for (String cidr : cidrs) {
            Objects.requireNonNull(cidr, "allowedCidrs must not contain null");
            try {
                ranges.add(parse(cidr));
            } catch (IllegalArgumentException malformed) {
                throw new IllegalArgumentException("allowedCidrs: " + malformed.getMessage(), malformed);
            }
        }
        return List.copyOf(ranges);
    }

    /**
     * Parses {@code address/prefix}. Only full literal addresses are accepted, and nothing is ever looked up in DNS:
     * IPv4 as four dotted decimal octets (0-255, no leading zeros), IPv6 as a literal without zone (IPv4-mapped
     * IPv6 addresses are refused: write the IPv4 range), and a decimal prefix within the address's length.
     * Shorthand such as {@code 172.16/12} is refused, because other parsers read it as {@code 172.0.0.16}.
     *
     * @param cidr for example {@code 10.0.0.0/16}
     * @return the range
     * @throws IllegalArgumentException naming the value and the rule it breaks
     */
    public static CidrRange parse(String cidr) {
        Objects.requireNonNull(cidr, "cidr");
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("CIDR range must look like 10.0.0.0/8 or fc00::/7, was '" + cidr + "'");
        }
        String address = cidr.substring(0, slash);
        String prefixText = cidr.substring(slash + 1);
        byte[] bytes = address.indexOf(':') >= 0 ? ipv6(address, cidr) : ipv4(address, cidr);
        if (!prefixText.matches("[0-9]{1,3}")) {
            throw new IllegalArgumentException(
                    "CIDR prefix must be a decimal number of bits, was '" + prefixText + "' in '" + cidr + "'");
        }
        int prefix = Integer.parseInt(prefixText);
        if (prefix > bytes.length * 8) {
            throw new IllegalArgumentException(
                    "CIDR prefix must be between 0 and " + bytes.length * 8 + ", was '" + cidr + "'");
        }
        return new CidrRange(cidr, mask(bytes, prefix), prefix);
    }

    private static byte[] ipv4(String address, String cidr) {
        String[] octets = address.split("\\.", -1);
        if (octets.length != 4) {
            throw new IllegalArgumentException("CIDR range needs a full IPv4 address of four dotted octets (no"
                    + " shorthand such as 172.16/12) or an IPv6 literal, was '" + cidr + "'");
        }
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            String octet = octets[i];
            if (!octet.matches("0|[1-9][0-9]{0,2}") || Integer.parseInt(octet) > 255) {
                throw new IllegalArgumentException("CIDR range has an IPv4 octet that is not a decimal number from 0"
                        + " to 255 without leading zeros: '" + octet + "' in '" + cidr + "'");
            }
            bytes[i] = (byte) Integer.parseInt(octet);
        }
        return bytes;
    }

    private static byte[] ipv6(String address, String cidr) {
        if (!address.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException(
                    "CIDR range needs a literal IPv6 address (hex digits and colons, no zone), was '" + cidr + "'");
        }
        InetAddress parsed;
        try {
            // A string with a colon is parsed as a literal by the JDK, never resolved.
            parsed = InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("CIDR range has a malformed IPv6 address: '" + cidr + "'", e);
        }
        if (!(parsed instanceof Inet6Address)) {
            throw new IllegalArgumentException("CIDR range has an IPv4-mapped IPv6 address, which the JDK treats as"
                    + " IPv4: write the IPv4 range instead, was '" + cidr + "'");
        }
        return parsed.getAddress();
    }

    /**
     * Whether an address lies in this range. An IPv4 address never lies in an IPv6 range, or the reverse.
     *
     * @param address the address
     * @return {@code true} if it is inside
     */
    public boolean contains(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != network.length) {
            return false;
        }
        byte[] masked = mask(bytes, prefixLength);
        return Arrays.equals(masked, network);
    }

    private static byte[] mask(byte[] address, int prefix) {
        byte[] result = address.clone();
        for (int i = 0; i < result.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            result[i] = (byte) (result[i] & (0xFF << (8 - bits)));
        }
        return result;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CidrRange range
                && prefixLength == range.prefixLength
                && Arrays.equals(network, range.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
