package io.securefirehose.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.testkit.LocalFirehose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrustMaterialTest {

    @Test
    void pemTextFileAndKeyStoreTrustExactlyTheGivenAuthority(@TempDir Path dir) throws Exception {
        try (LocalFirehose server = LocalFirehose.start("s")) {
            Path pem = server.writeTrustPem(dir.resolve("ca.pem"));
            for (TrustMaterial trust : new TrustMaterial[] {
                TrustMaterial.fromPem(server.trustPem()),
                TrustMaterial.fromPemFile(pem),
                TrustMaterial.fromKeyStore(server.trustStore())
            }) {
                assertThat(trust.isSystemDefault()).isFalse();
                X509TrustManager manager = x509(trust.trustManagers());
                assertThat(manager.getAcceptedIssuers()).hasSize(1);
                assertThat(manager.getAcceptedIssuers()[0]
                                .getSubjectX500Principal()
                                .getName())
                        .contains("LocalFirehose Test CA");
            }
        }
    }

    @Test
    void systemDefaultTrustsTheJdkStore() {
        X509TrustManager manager = x509(TrustMaterial.systemDefault().trustManagers());
        assertThat(TrustMaterial.systemDefault().isSystemDefault()).isTrue();
        assertThat(TrustMaterial.systemDefault().toString()).contains("system default");
        assertThat(manager.getAcceptedIssuers().length).isGreaterThan(10);
        assertThat(TrustMaterial.systemDefault().plusSystemDefaults()).isSameAs(TrustMaterial.systemDefault());
    }

    @Test
    void unusableTrustMaterialIsRefusedWithTheReason(@TempDir Path dir) throws Exception {
        assertThatThrownBy(() -> TrustMaterial.fromPem("not a certificate"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PEM");
        assertThatThrownBy(() -> TrustMaterial.fromPemFile(dir.resolve("missing.pem")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("missing.pem");
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        assertThatThrownBy(() -> TrustMaterial.fromPemFile(empty)).isInstanceOf(IllegalArgumentException.class);
        KeyStore emptyStore = KeyStore.getInstance("PKCS12");
        emptyStore.load(null, null);
        assertThatThrownBy(() -> TrustMaterial.fromKeyStore(emptyStore))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no X.509 certificate");
    }

    private static X509TrustManager x509(TrustManager[] managers) {
        for (TrustManager manager : managers) {
            if (manager instanceof X509TrustManager) {
                return (X509TrustManager) manager;
            }
        }
        throw new AssertionError("no X509TrustManager");
    }
}
