package io.securefirehose.internal.tls;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;

/**
 * The key exchange groups this JVM's TLS client offers, read from the {@code supported_groups} extension of a
 * ClientHello that an engine of the default context writes into memory (nothing is sent). On Java 17 the JDK takes
 * these groups from the JVM-wide property {@code jdk.tls.namedGroups}, read once; asking the engine itself shows
 * what a connection will really offer, whatever the property says now.
 */
final class OfferedGroups {

    private static final int SUPPORTED_GROUPS = 0x000a;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(0x0017, "secp256r1"),
            Map.entry(0x0018, "secp384r1"),
            Map.entry(0x0019, "secp521r1"),
            Map.entry(0x001d, "x25519"),
            Map.entry(0x001e, "x448"),
            Map.entry(0x0100, "ffdhe2048"),
            Map.entry(0x0101, "ffdhe3072"),
            Map.entry(0x0102, "ffdhe4096"),
            Map.entry(0x0103, "ffdhe6144"),
            Map.entry(0x0104, "ffdhe8192"));

    private OfferedGroups() {}

    /**
     * @param protocols the protocols the engine offers
     * @param cipherSuites the suites the engine offers
     * @return the groups, in the order offered; unknown codes as {@code 0xNNNN}
     * @throws IllegalStateException if the JDK cannot produce or the parser cannot read a ClientHello
     */
    static List<String> offered(String[] protocols, String[] cipherSuites) {
        try {
            SSLEngine engine = SSLContext.getDefault().createSSLEngine("groups.probe", 443);
            engine.setUseClientMode(true);
            engine.setEnabledProtocols(protocols);
            engine.setEnabledCipherSuites(cipherSuites);
            ByteBuffer hello = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
            engine.beginHandshake();
            engine.wrap(ByteBuffer.allocate(0), hello);
            engine.closeOutbound();
            hello.flip();
            return groups(hello);
        } catch (NoSuchAlgorithmException | SSLException | BufferUnderflowException | IllegalArgumentException e) {
            throw new IllegalStateException("cannot read the key exchange groups this JVM offers: " + e, e);
        }
    }

    /** Reads the groups from one TLS record holding a ClientHello (RFC 8446 sections 4.1.2 and 4.2.7). */
    static List<String> groups(ByteBuffer record) {
        if (record.get() != 0x16) {
            throw new IllegalStateException("not a TLS handshake record");
        }
        skip(record, 4); // version, length
        if (record.get() != 0x01) {
            throw new IllegalStateException("not a ClientHello");
        }
        skip(record, 3 + 2 + 32); // length, legacy version, random
        skip(record, Byte.toUnsignedInt(record.get())); // session id
        skip(record, Short.toUnsignedInt(record.getShort())); // cipher suites
        skip(record, Byte.toUnsignedInt(record.get())); // compression methods
        int extensionsEnd = Short.toUnsignedInt(record.getShort()) + record.position();
        while (record.position() < extensionsEnd) {
            int type = Short.toUnsignedInt(record.getShort());
            int length = Short.toUnsignedInt(record.getShort());
            if (type != SUPPORTED_GROUPS) {
                skip(record, length);
                continue;
            }
            int count = Short.toUnsignedInt(record.getShort()) / 2;
            List<String> groups = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int code = Short.toUnsignedInt(record.getShort());
                groups.add(NAMES.getOrDefault(code, "0x" + HexFormat.of().toHexDigits((short) code)));
            }
            return List.copyOf(groups);
        }
        return List.of();
    }

    private static void skip(ByteBuffer buffer, int bytes) {
        buffer.position(buffer.position() + bytes);
    }
}
