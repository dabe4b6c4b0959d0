package io.securefirehose.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class TlsPolicyTest {

    @Test
    void modernAllowsTls13AndTls12EcdheAeadOnly() {
        assertThat(TlsPolicy.MODERN.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TlsPolicy.MODERN.violation("TLSv1.3", "TLS_AES_128_GCM_SHA256"))
                .isEmpty();
        assertThat(TlsPolicy.MODERN.violation("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"))
                .isEmpty();
        assertThat(TlsPolicy.MODERN.violation("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"))
                .isEmpty();
        assertThat(TlsPolicy.MODERN.violation("TLSv1.2", "TLS_RSA_WITH_AES_128_GCM_SHA256"))
                .hasValueSatisfying(rule -> assertThat(rule).contains("ECDHE key exchange and an AEAD cipher"));
        assertThat(TlsPolicy.MODERN.violation("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256"))
                .isPresent();
        assertThat(TlsPolicy.MODERN.violation("TLSv1.1", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"))
                .hasValueSatisfying(rule -> assertThat(rule).contains("protocol TLSv1.1 is not allowed"));
        assertThat(TlsPolicy.MODERN.cipherSuites())
                .allMatch(s -> s.startsWith("TLS_AES_")
                        || s.startsWith("TLS_CHACHA20_")
                        || (s.startsWith("TLS_ECDHE_") && (s.contains("_GCM_") || s.contains("CHACHA20_POLY1305"))));
    }

    @Test
    void tls13OnlyRefusesTls12() {
        assertThat(TlsPolicy.TLS13_ONLY.violation("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"))
                .isPresent();
        assertThat(TlsPolicy.TLS13_ONLY.violation("TLSv1.3", "TLS_AES_256_GCM_SHA384"))
                .isEmpty();
    }

    @Test
    void policiesCanOnlyNarrow() {
        TlsPolicy narrowed = TlsPolicy.MODERN.narrow(List.of("TLSv1.3"), List.of("TLS_AES_256_GCM_SHA384"));
        assertThat(narrowed.violation("TLSv1.3", "TLS_AES_128_GCM_SHA256")).isPresent();
        assertThat(narrowed.violation("TLSv1.3", "TLS_AES_256_GCM_SHA384")).isEmpty();
        assertThatThrownBy(() -> TlsPolicy.MODERN.narrow(List.of("TLSv1.1"), List.of("TLS_AES_128_GCM_SHA256")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("may only narrow")
                .hasMessageContaining("TLSv1.1");
        assertThatThrownBy(() ->
                        TlsPolicy.MODERN.narrow(List.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA");
        assertThatThrownBy(() -> TlsPolicy.TLS13_ONLY.narrow(
                        List.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TlsPolicy.MODERN.narrow(List.of("TLSv1.2"), List.of("TLS_AES_128_GCM_SHA256")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no cipher suite for TLSv1.2");
        assertThatThrownBy(() -> TlsPolicy.MODERN.narrow(List.of(), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void presetsAreFoundByName() {
        assertThat(TlsPolicy.named("modern")).isSameAs(TlsPolicy.MODERN);
        assertThat(TlsPolicy.named("TLS13_ONLY")).isSameAs(TlsPolicy.TLS13_ONLY);
        assertThat(TlsPolicy.named("fips")).isSameAs(TlsPolicy.FIPS);
        assertThatThrownBy(() -> TlsPolicy.named("LEGACY"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("LEGACY");
        assertThat(TlsPolicy.MODERN.toString()).contains("MODERN");
    }

    @Test
    void theFipsPolicyAllowsAesGcmOnlyOnNistCurvesAndNarrowingKeepsTheCurves() {
        assertThat(TlsPolicy.FIPS.protocols()).containsExactly("TLSv1.3", "TLSv1.2");
        assertThat(TlsPolicy.FIPS.cipherSuites())
                .hasSize(6)
                .allMatch(s -> s.contains("_AES_128_GCM_") || s.contains("_AES_256_GCM_"));
        assertThat(TlsPolicy.FIPS.namedGroups()).containsExactly("secp256r1", "secp384r1", "secp521r1");
        assertThat(TlsPolicy.MODERN.namedGroups()).isEmpty();
        assertThat(TlsPolicy.FIPS.violation("TLSv1.2", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"))
                .hasValueSatisfying(
                        rule -> assertThat(rule).contains("policy FIPS").contains("AES-GCM"));
        assertThat(TlsPolicy.FIPS.violation("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256"))
                .isPresent();
        assertThat(TlsPolicy.FIPS.violation("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"))
                .isPresent();
        assertThat(TlsPolicy.FIPS.violation("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"))
                .isEmpty();
        assertThat(TlsPolicy.FIPS
                        .narrow(List.of("TLSv1.3"), List.of("TLS_AES_256_GCM_SHA384"))
                        .namedGroups())
                .isEqualTo(TlsPolicy.FIPS.namedGroups());
        assertThatThrownBy(() -> TlsPolicy.FIPS.narrow(
                        List.of("TLSv1.2"), List.of("TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")))
                .hasMessageContaining("not allowed by FIPS");
    }
}
