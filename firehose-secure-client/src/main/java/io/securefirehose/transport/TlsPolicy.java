package io.securefirehose.transport;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * Which TLS versions and cipher suites a connection may use. Every connection the producer opens is checked
 * against it during the handshake, before any request byte is written; a connection that negotiated anything else
 * is refused with {@link io.securefirehose.errors.TlsPolicyViolationException}.
 *
 * <ul>
 *   <li>{@link #MODERN} (the default): TLS 1.3, and TLS 1.2 with ECDHE key exchange and an AEAD cipher (AES-GCM or
 *       ChaCha20-Poly1305) only. RSA key exchange (no forward secrecy) and CBC suites are refused.
 *   <li>{@link #TLS13_ONLY}: TLS 1.3 only.
 *   <li>{@link #FIPS}: the algorithms FIPS 140 approves: TLS 1.3 with AES-GCM, TLS 1.2 with ECDHE and AES-GCM (no
 *       ChaCha20-Poly1305, no CBC), key exchange on the NIST curves P-256, P-384 and P-521 only.
 * </ul>
 *
 * <p>A custom policy can only <em>narrow</em> one of these ({@link #narrow(List, List)}): drop a protocol or some
 * suites. Nothing can add TLS 1.1 or older, or a suite without ECDHE and AEAD, and there is no option that turns
 * certificate or host name verification off.
 *
 * <p>Immutable and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class TlsPolicy {

    /** TLS 1.3. */
    public static final String TLS_1_3 = "TLSv1.3";

    /** TLS 1.2. */
    public static final String TLS_1_2 = "TLSv1.2";

    private static final List<String> TLS13_SUITES =
            List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

    private static final List<String> TLS12_ECDHE_AEAD_SUITES = List.of(
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** TLS 1.3, and TLS 1.2 with ECDHE key exchange and AEAD ciphers only. The default. */
    public static final TlsPolicy MODERN =
            new TlsPolicy("MODERN", List.of(TLS_1_3, TLS_1_2), concat(TLS13_SUITES, TLS12_ECDHE_AEAD_SUITES));

    /** TLS 1.3 only. */
    public static final TlsPolicy TLS13_ONLY = new TlsPolicy("TLS13_ONLY", List.of(TLS_1_3), TLS13_SUITES);

    /** The NIST curves, the only key exchange groups {@link #FIPS} offers. */
    private static final List<String> NIST_CURVES = List.of("secp256r1", "secp384r1", "secp521r1");

    /**
     * The algorithms FIPS 140 approves: TLS 1.3 with AES-GCM, TLS 1.2 with ECDHE and AES-GCM, key exchange on the
     * NIST curves only. It selects algorithms; whether the cryptographic module is validated is the JVM provider's
     * business (see docs/security.md). On Java 17 the JDK takes key exchange groups from the JVM-wide property
     * {@code jdk.tls.namedGroups}: a client under this policy is refused at build unless the JVM's own ClientHello
     * offers NIST curves only.
     */
    public static final TlsPolicy FIPS = new TlsPolicy(
            "FIPS",
            List.of(TLS_1_3, TLS_1_2),
            List.of(
                    "TLS_AES_128_GCM_SHA256",
                    "TLS_AES_256_GCM_SHA384",
                    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            NIST_CURVES);

    private final String name;
    private final Set<String> protocols;
    private final Set<String> cipherSuites;
    private final List<String> namedGroups;

    private TlsPolicy(String name, List<String> protocols, List<String> cipherSuites) {
        this(name, protocols, cipherSuites, List.of());
    }

    private TlsPolicy(String name, List<String> protocols, List<String> cipherSuites, List<String> namedGroups) {
        this.name = name;
        this.protocols = Collections.unmodifiableSet(new LinkedHashSet<>(protocols));
        this.cipherSuites = Collections.unmodifiableSet(new LinkedHashSet<>(cipherSuites));
        this.namedGroups = List.copyOf(namedGroups);
    }

    /**
     * A preset by name, for configuration files and command lines.
     *
     * @param name {@code MODERN}, {@code TLS13_ONLY} or {@code FIPS} (case-insensitive)
     * @return the preset
     * @throws IllegalArgumentException for any other name
     */
    public static TlsPolicy named(String name) {
        Objects.requireNonNull(name, "name");
        for (TlsPolicy preset : List.of(MODERN, TLS13_ONLY, FIPS)) {
            if (preset.name.equalsIgnoreCase(name)) {
                return preset;
            }
        }
        throw new IllegalArgumentException("unknown TLS policy '" + name + "': use MODERN, TLS13_ONLY or FIPS");
    }

    /**
     * A narrower policy: only the given protocols and cipher suites, each of which this policy must already allow.
     *
     * @param protocols protocols to keep, for example {@code List.of("TLSv1.3")}
     * @param cipherSuites suites to keep, by their standard names
     * @return the narrowed policy
     * @throws IllegalArgumentException if a protocol or suite is not allowed by this policy (naming it), or if the
     *     result would allow no suite for one of its protocols
     */
    public TlsPolicy narrow(List<String> protocols, List<String> cipherSuites) {
        Objects.requireNonNull(protocols, "protocols");
        Objects.requireNonNull(cipherSuites, "cipherSuites");
        if (protocols.isEmpty()) {
            throw new IllegalArgumentException("a TLS policy needs at least one protocol");
        }
        for (String protocol : protocols) {
            if (!this.protocols.contains(protocol)) {
                throw new IllegalArgumentException("TLS policies may only narrow: protocol '" + protocol
                        + "' is not allowed by " + name + " " + this.protocols);
            }
        }
        for (String suite : cipherSuites) {
            if (!this.cipherSuites.contains(suite)) {
                throw new IllegalArgumentException("TLS policies may only narrow: cipher suite '" + suite
                        + "' is not allowed by " + name + " (" + tls12Rule() + ")");
            }
        }
        for (String protocol : protocols) {
            List<String> known = TLS_1_3.equals(protocol) ? TLS13_SUITES : TLS12_ECDHE_AEAD_SUITES;
            if (cipherSuites.stream().noneMatch(known::contains)) {
                throw new IllegalArgumentException(
                        "the narrowed policy allows no cipher suite for " + protocol + ": add one of " + known);
            }
        }
        return new TlsPolicy(name + "-narrowed", protocols, cipherSuites, namedGroups);
    }

    /** @return the policy's name: {@code MODERN}, {@code TLS13_ONLY}, {@code FIPS}, or one of those with {@code -narrowed} */
    public String name() {
        return name;
    }

    /** @return the protocols allowed, for example {@code [TLSv1.3, TLSv1.2]} */
    public Set<String> protocols() {
        return protocols;
    }

    /**
     * @return the key exchange groups the ClientHello may offer, in order; empty when the JDK's defaults are allowed
     *     (its defaults are elliptic curves and finite-field groups of at least 2048 bits)
     */
    public List<String> namedGroups() {
        return namedGroups;
    }

    /** @return the cipher suites allowed (TLS 1.3 and TLS 1.2 suites together) */
    public Set<String> cipherSuites() {
        return cipherSuites;
    }

    /**
     * Checks a negotiated connection.
     *
     * @param protocol the negotiated protocol, for example {@code TLSv1.2}
     * @param cipherSuite the negotiated cipher suite
     * @return the rule the connection breaks, or empty if it is allowed
     */
    public Optional<String> violation(String protocol, String cipherSuite) {
        if (!protocols.contains(protocol)) {
            return Optional.of("protocol " + protocol + " is not allowed by TLS policy " + name + " (allowed: "
                    + String.join(", ", protocols) + ")");
        }
        if (!cipherSuites.contains(cipherSuite)) {
            return Optional.of("cipher suite " + cipherSuite + " is not allowed by TLS policy " + name
                    + (TLS_1_2.equals(protocol) ? " (" + tls12Rule() + ")" : ""));
        }
        return Optional.empty();
    }

    private String tls12Rule() {
        return namedGroups.isEmpty()
                ? "TLS 1.2 needs ECDHE key exchange and an AEAD cipher: AES-GCM or ChaCha20-Poly1305"
                : "TLS 1.2 needs ECDHE key exchange and AES-GCM";
    }

    @Override
    public String toString() {
        return "TlsPolicy[" + name + ", protocols=" + protocols + ", cipherSuites=" + cipherSuites.size() + "]";
    }

    private static List<String> concat(List<String> first, List<String> second) {
        String[] all = Arrays.copyOf(first.toArray(new String[0]), first.size() + second.size());
        System.arraycopy(second.toArray(new String[0]), 0, all, first.size(), second.size());
        return List.of(all);
    }
}
