package io.securefirehose;

import io.securefirehose.transport.TlsEngine;

/**
 * The TLS engine the transport security tests run their producers and connectors on: the JDK's by default, and
 * BoringSSL in the surefire execution {@code boringssl-jvm}, which sets {@code firehose.test.tls-engine}, so that the
 * same weak-peer matrix proves both engines.
 */
public final class TestTlsEngine {

    private TestTlsEngine() {}

    /** @return the engine this JVM's tests use */
    public static TlsEngine configured() {
        return TlsEngine.valueOf(System.getProperty("firehose.test.tls-engine", "JDK"));
    }
}
