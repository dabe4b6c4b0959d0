package io.securefirehose.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.security.MessageDigest;
import java.security.Security;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The JVM of the surefire execution {@code accp-jvm} runs with Amazon Corretto Crypto Provider first (the opt-in
 * docs/performance.md describes), and this proves it: without that, the other tests of the execution
 * ({@code TlsEnforcementTest}'s weak-peer matrix and {@code EnvelopeEncryptionEndToEndTest}) would pass under the JDK's
 * providers and prove nothing about ACCP.
 */
@Tag("accp-jvm")
class CorrettoProviderTest {

    @Test
    void correttoIsTheFirstProviderAndServesWhatTlsSigningAndEnvelopesUse() throws Exception {
        AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
        String accp = AmazonCorrettoCryptoProvider.PROVIDER_NAME;
        assertThat(Security.getProviders()[0].getName()).isEqualTo(accp);
        assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName())
                .isEqualTo(accp);
        assertThat(MessageDigest.getInstance("SHA-256").getProvider().getName()).isEqualTo(accp);
        assertThat(Mac.getInstance("HmacSHA256").getProvider().getName()).isEqualTo(accp);
        assertThat(KeyAgreement.getInstance("ECDH").getProvider().getName()).isEqualTo(accp);
    }
}
