package io.securefirehose.transport;

import static org.apiguardian.api.API.Status.STABLE;

import java.net.InetAddress;
import java.net.UnknownHostException;
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
        List<CidrRange> ranges = new java.util.ArrayList<>();
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
     * Parses {@code address/prefix}. Only literal addresses are accepted: nothing is looked up in DNS.
     *
     * @param cidr for example {@code 10.0.0.0/16}
     * @return the range
     * @throws IllegalArgumentException if the text is not a CIDR range
     */
    public static CidrRange parse(String cidr) {
        Objects.requireNonNull(cidr, "cidr");
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("CIDR range must look like 10.0.0.0/8 or fc00::/7, was '" + cidr + "'");
        }
        String address = cidr.substring(0, slash);
        if (!address.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException("CIDR range needs a literal IP address, was '" + cidr + "'");
        }
        byte[] bytes;
        int prefix;
        try {
            bytes = InetAddress.getByName(address).getAddress();
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (UnknownHostException | NumberFormatException e) {
            throw new IllegalArgumentException("not a CIDR range: '" + cidr + "'", e);
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException(
                    "CIDR prefix must be between 0 and " + bytes.length * 8 + ", was '" + cidr + "'");
        }
        return new CidrRange(cidr, mask(bytes, prefix), prefix);
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
        return java.util.Arrays.equals(masked, network);
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
                && java.util.Arrays.equals(network, range.network);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Arrays.hashCode(network) + prefixLength;
    }

    @Override
    public String toString() {
        return text;
    }
}
