package io.securefirehose.transport;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The protocols and cipher suites a TLS ClientHello offers, read from the raw bytes a client sent (RFC 8446 section
 * 4.1.2): the cipher-suite list, and the {@code supported_versions} and {@code supported_groups} extensions. Suite codes are named for the suites
 * a JDK may offer; others appear as {@code 0xNNNN}.
 */
public record ClientHello(List<String> protocols, List<String> cipherSuites, List<String> namedGroups) {

    private static final Map<Integer, String> SUITES = Map.ofEntries(
            Map.entry(0x1301, "TLS_AES_128_GCM_SHA256"),
            Map.entry(0x1302, "TLS_AES_256_GCM_SHA384"),
            Map.entry(0x1303, "TLS_CHACHA20_POLY1305_SHA256"),
            Map.entry(0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry(0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
            Map.entry(0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"),
            Map.entry(0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA"),
            Map.entry(0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256"),
            Map.entry(0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV"));

    private static final Map<Integer, String> GROUPS = Map.of(
            0x0017,
            "secp256r1",
            0x0018,
            "secp384r1",
            0x0019,
            "secp521r1",
            0x001d,
            "x25519",
            0x001e,
            "x448",
            0x0100,
            "ffdhe2048",
            0x0101,
            "ffdhe3072");

    private static final Map<Integer, String> VERSIONS =
            Map.of(0x0304, "TLSv1.3", 0x0303, "TLSv1.2", 0x0302, "TLSv1.1", 0x0301, "TLSv1");

    /**
     * @param bytes the first bytes a client sent: one TLS record holding a ClientHello
     * @return what it offers
     * @throws IllegalArgumentException if the bytes are not a ClientHello
     */
    public static ClientHello parse(byte[] bytes) {
        try {
            return read(ByteBuffer.wrap(bytes));
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException(
                    "a ClientHello cut short: " + java.util.HexFormat.of().formatHex(bytes), e);
        }
    }

    private static ClientHello read(ByteBuffer in) {
        if (in.get() != 0x16) {
            throw new IllegalArgumentException("not a TLS handshake record");
        }
        in.position(5);
        if (in.get() != 0x01) {
            throw new IllegalArgumentException("not a ClientHello");
        }
        in.position(in.position() + 3); // handshake length
        int legacyVersion = in.getShort() & 0xffff;
        in.position(in.position() + 32); // random
        skip(in, in.get() & 0xff); // session id
        int suitesLength = in.getShort() & 0xffff;
        List<String> suites = new ArrayList<>();
        for (int i = 0; i < suitesLength / 2; i++) {
            int code = in.getShort() & 0xffff;
            suites.add(SUITES.getOrDefault(code, String.format("0x%04X", code)));
        }
        skip(in, in.get() & 0xff); // compression methods
        List<String> versions = new ArrayList<>();
        List<String> groups = new ArrayList<>();
        int extensionsLength = in.getShort() & 0xffff;
        int extensionsEnd = in.position() + extensionsLength;
        while (in.position() < extensionsEnd) {
            int type = in.getShort() & 0xffff;
            int length = in.getShort() & 0xffff;
            int next = in.position() + length;
            if (type == 0x002b) {
                int listLength = in.get() & 0xff;
                for (int i = 0; i < listLength / 2; i++) {
                    int code = in.getShort() & 0xffff;
                    versions.add(VERSIONS.getOrDefault(code, String.format("0x%04X", code)));
                }
            }
            if (type == 0x000a) {
                int listLength = in.getShort() & 0xffff;
                for (int i = 0; i < listLength / 2; i++) {
                    int code = in.getShort() & 0xffff;
                    groups.add(GROUPS.getOrDefault(code, String.format("0x%04X", code)));
                }
            }
            in.position(next);
        }
        if (versions.isEmpty()) {
            versions.add(VERSIONS.getOrDefault(legacyVersion, String.format("0x%04X", legacyVersion)));
        }
        return new ClientHello(versions, suites, groups);
    }

    /** Skips {@code count} bytes; the count is read before the position, which Java would otherwise read first. */
    private static void skip(ByteBuffer in, int count) {
        in.position(in.position() + count);
    }
}
