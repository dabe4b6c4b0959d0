package io.securefirehose.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrRangeTest {

    private static boolean privateAddress(String address) throws Exception {
        InetAddress parsed = InetAddress.getByName(address);
        return CidrRange.PRIVATE_RANGES.stream().anyMatch(r -> r.contains(parsed));
    }

    @Test
    void thePrivateRangesAreRfc1918AndUniqueLocalIpv6() throws Exception {
        assertThat(privateAddress("10.0.0.1")).isTrue();
        assertThat(privateAddress("10.255.255.255")).isTrue();
        assertThat(privateAddress("172.16.0.1")).isTrue();
        assertThat(privateAddress("172.31.255.254")).isTrue();
        assertThat(privateAddress("172.32.0.1")).isFalse();
        assertThat(privateAddress("172.15.255.255")).isFalse();
        assertThat(privateAddress("192.168.1.1")).isTrue();
        assertThat(privateAddress("192.169.0.1")).isFalse();
        assertThat(privateAddress("fd12:3456::1")).isTrue();
        assertThat(privateAddress("fe80::1")).isFalse();
        assertThat(privateAddress("127.0.0.1")).as("loopback is not private").isFalse();
        assertThat(privateAddress("54.239.28.85")).isFalse();
    }

    @Test
    void rangesMatchOnlyTheirFamilyAndPrefix() throws Exception {
        CidrRange vpc = CidrRange.parse("10.1.0.0/16");
        assertThat(vpc.contains(InetAddress.getByName("10.1.200.3"))).isTrue();
        assertThat(vpc.contains(InetAddress.getByName("10.2.0.1"))).isFalse();
        assertThat(vpc.contains(InetAddress.getByName("::ffff:0a01:0001"))).isTrue(); // the JDK maps it to IPv4
        assertThat(CidrRange.parse("0.0.0.0/0").contains(InetAddress.getByName("1.2.3.4")))
                .isTrue();
        assertThat(CidrRange.parse("0.0.0.0/0").contains(InetAddress.getByName("::1")))
                .isFalse();
        assertThat(CidrRange.parse("10.1.2.3/32").contains(InetAddress.getByName("10.1.2.3")))
                .isTrue();
        assertThat(vpc).isEqualTo(CidrRange.parse("10.1.0.0/16")).hasToString("10.1.0.0/16");
    }

    @ParameterizedTest(name = "{0} is refused")
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.0|10.0.0.0/8",
                "172.16/12|four dotted octets",
                "10.1/16|four dotted octets",
                "10/8|four dotted octets",
                "1.2.3.4.5/32|four dotted octets",
                "256.0.0.0/8|'256'",
                "10.0.0.-1/8|'-1'",
                "010.0.0.0/8|'010'",
                "10.0.0.0/33|between 0 and 32",
                "fc00::/129|between 0 and 128",
                "10.0.0.0/|decimal number of bits",
                "10.0.0.0/+8|decimal number of bits",
                "10.0.0.0/x|decimal number of bits",
                "example.com/8|four dotted octets",
                "localhost/8|four dotted octets",
                "fe80::1%eth0/64|no zone",
                "fc00:::1/7|malformed IPv6",
                "::ffff:10.0.0.0/104|IPv4-mapped",
                "''|10.0.0.0/8"
            })
    void anythingButAFullLiteralAddressAndPrefixIsRefusedNamingTheValue(String cidr, String message) {
        assertThatThrownBy(() -> CidrRange.parse(cidr))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
        assertThatThrownBy(() -> CidrRange.parseAll("10.0.0.0/8", cidr))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("allowedCidrs: ")
                .hasMessageContaining(cidr);
    }

    @ParameterizedTest(name = "{0} is accepted")
    @CsvSource({
        "0.0.0.0/0,0.0.0.0/0",
        "255.255.255.255/32,255.255.255.255/32",
        "10.0.0.0/08,10.0.0.0/08",
        "fc00::/7,fc00::/7",
        "::1/128,::1/128",
        "2001:DB8::/32,2001:DB8::/32"
    })
    void fullLiteralAddressesAreAccepted(String cidr, String shown) {
        assertThat(CidrRange.parse(cidr)).hasToString(shown);
    }

    @Test
    void malformedRangesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0")).hasMessageContaining("'10.0.0.0'");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/33")).hasMessageContaining("between 0 and 32");
        assertThatThrownBy(() -> CidrRange.parse("example.com/8")).hasMessageContaining("'example.com/8'");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CidrRange.parse("/8"))
                .hasMessageContaining("needs a full IPv4 address of four dotted octets");
    }

    @Test
    void rangesAreEqualWhenTheyCoverTheSameAddresses() {
        CidrRange range = CidrRange.parse("10.1.2.3/8");
        assertThat(range).isEqualTo(CidrRange.parse("10.0.0.0/8")).hasSameHashCodeAs(CidrRange.parse("10.0.0.0/8"));
        assertThat(range)
                .isNotEqualTo(CidrRange.parse("10.0.0.0/16"))
                .isNotEqualTo(CidrRange.parse("11.0.0.0/8"))
                .isNotEqualTo("10.0.0.0/8");
        assertThat(CidrRange.parse("10.0.0.0/16").hashCode()).isNotEqualTo(range.hashCode());
    }
}
