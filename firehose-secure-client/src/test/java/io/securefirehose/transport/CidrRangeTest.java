package io.securefirehose.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;

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

    @Test
    void malformedRangesAreRefusedWithTheValue() {
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0")).hasMessageContaining("'10.0.0.0'");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/33")).hasMessageContaining("between 0 and 32");
        assertThatThrownBy(() -> CidrRange.parse("example.com/8")).hasMessageContaining("literal IP address");
        assertThatThrownBy(() -> CidrRange.parse("10.0.0.0/x")).isInstanceOf(IllegalArgumentException.class);
    }
}
