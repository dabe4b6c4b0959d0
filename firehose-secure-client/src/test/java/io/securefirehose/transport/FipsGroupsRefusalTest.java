package io.securefirehose.transport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.errors.TlsPolicyViolationException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * In a JVM whose TLS client offers key exchange groups beyond the NIST curves (the JDK's defaults include x25519 and
 * finite-field groups), {@link TlsPolicy#FIPS} is refused at build for every client, naming what the JVM offers and
 * the setting that fixes it; nothing is connected.
 */
class FipsGroupsRefusalTest {

    private static final String FIX = "-Djdk.tls.namedGroups=secp256r1,secp384r1,secp521r1";

    @Test
    void theProducerIsRefusedAtBuild() {
        assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                        .deliveryStream("fips")
                        .region("us-east-1")
                        .endpoint(URI.create("https://localhost:1"))
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .tlsPolicy(TlsPolicy.FIPS)
                        .build())
                .isInstanceOf(TlsPolicyViolationException.class)
                .hasMessageContaining("x25519")
                .hasMessageContaining("jdk.tls.namedGroups")
                .hasMessageContaining(FIX);
    }

    @Test
    void theKmsDecrypterIsRefusedAtBuild() {
        assertThatThrownBy(() -> KmsDataKeyDecrypter.builder()
                        .region(Region.US_EAST_1)
                        .endpoint(URI.create("https://localhost:1"))
                        .credentialsProvider(AnonymousCredentialsProvider.create())
                        .tlsPolicy(TlsPolicy.FIPS)
                        .build())
                .isInstanceOf(TlsPolicyViolationException.class)
                .hasMessageContaining(FIX);
    }
}
