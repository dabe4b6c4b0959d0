package io.securefirehose.transport;

import static org.apiguardian.api.API.Status.STABLE;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Which certificate authorities the producer trusts when it verifies a server's certificate chain.
 *
 * <p>Verification itself is never optional: every connection checks the chain against these authorities and the
 * host name against the certificate. This value only chooses the authorities:
 *
 * <ul>
 *   <li>{@link #systemDefault()}: the JDK's trust store (the usual choice against AWS);
 *   <li>{@link #fromPem(String)}, {@link #fromPemFile(Path)}, {@link #fromKeyStore(KeyStore)}: only the given
 *       certificates, replacing the JDK's store. Use it to trust nothing but the Amazon Trust Services roots, or a
 *       local test endpoint's own authority.
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class TrustMaterial {

    private static final TrustMaterial SYSTEM_DEFAULT = new TrustMaterial(null, "system default trust store");

    private final @Nullable KeyStore keyStore;
    private final String description;

    private TrustMaterial(@Nullable KeyStore keyStore, String description) {
        this.keyStore = keyStore;
        this.description = description;
    }

    /**
     * The JDK's default trust store.
     *
     * @return trust material that defers to the JDK
     */
    public static TrustMaterial systemDefault() {
        return SYSTEM_DEFAULT;
    }

    /**
     * Trusts exactly the certificates in a PEM text (one or more {@code BEGIN CERTIFICATE} blocks).
     *
     * @param pem PEM-encoded X.509 certificates
     * @return trust material with only these certificates
     * @throws IllegalArgumentException if the text holds no certificate or cannot be parsed
     */
    public static TrustMaterial fromPem(String pem) {
        Objects.requireNonNull(pem, "pem");
        List<X509Certificate> certificates = parsePem(pem);
        return new TrustMaterial(keyStoreOf(certificates), certificates.size() + " certificate(s) from PEM");
    }

    /**
     * Trusts exactly the certificates in a PEM file.
     *
     * @param pemFile path of a file with PEM-encoded X.509 certificates
     * @return trust material with only these certificates
     * @throws IllegalArgumentException if the file cannot be read or holds no certificate
     */
    public static TrustMaterial fromPemFile(Path pemFile) {
        Objects.requireNonNull(pemFile, "pemFile");
        String pem;
        try {
            pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read trust PEM file " + pemFile + ": " + e.getMessage(), e);
        }
        List<X509Certificate> certificates = parsePem(pem);
        return new TrustMaterial(keyStoreOf(certificates), certificates.size() + " certificate(s) from " + pemFile);
    }

    /**
     * Trusts exactly the trusted-certificate entries of a key store. The key store is read when this method is
     * called; later changes to it are not seen.
     *
     * @param keyStore a loaded key store with at least one certificate entry
     * @return trust material with only these certificates
     * @throws IllegalArgumentException if the key store holds no certificate
     */
    public static TrustMaterial fromKeyStore(KeyStore keyStore) {
        Objects.requireNonNull(keyStore, "keyStore");
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            for (String alias : Collections.list(keyStore.aliases())) {
                Certificate certificate = keyStore.getCertificate(alias);
                if (certificate instanceof X509Certificate x509) {
                    certificates.add(x509);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot read key store: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("key store holds no X.509 certificate to trust");
        }
        return new TrustMaterial(keyStoreOf(certificates), certificates.size() + " certificate(s) from key store");
    }

    /**
     * Whether this is the JDK's default trust store.
     *
     * @return {@code true} for {@link #systemDefault()}
     */
    public boolean isSystemDefault() {
        return keyStore == null;
    }

    /**
     * These authorities and the JDK's trust store together, for an endpoint whose certificate authority is not in
     * the JDK's store while others are.
     *
     * @return trust material with the JDK's authorities added
     */
    public TrustMaterial plusSystemDefaults() {
        if (keyStore == null) {
            return this;
        }
        List<X509Certificate> certificates =
                new ArrayList<>(List.of(systemDefault().x509TrustManager().getAcceptedIssuers()));
        certificates.addAll(List.of(x509TrustManager().getAcceptedIssuers()));
        return new TrustMaterial(keyStoreOf(certificates), description + " plus the system default trust store");
    }

    /**
     * The PKIX trust manager that verifies chains against these authorities (and, given an engine with host name
     * verification on, the host name).
     *
     * @return the trust manager
     */
    public X509ExtendedTrustManager x509TrustManager() {
        for (TrustManager manager : trustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                return x509;
            }
        }
        throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager for " + description);
    }

    /**
     * Trust managers that verify chains against these authorities, for TLS engines.
     *
     * @return PKIX trust managers
     */
    public TrustManager[] trustManagers() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot initialise trust managers for " + description, e);
        }
    }

    @Override
    public String toString() {
        return "TrustMaterial[" + description + "]";
    }

    private static List<X509Certificate> parsePem(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Collection<? extends Certificate> parsed =
                    factory.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            for (Certificate certificate : parsed) {
                certificates.add((X509Certificate) certificate);
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot parse PEM certificates: " + e.getMessage(), e);
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("PEM text holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return certificates;
    }

    private static KeyStore keyStoreOf(List<X509Certificate> certificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < certificates.size(); i++) {
                store.setCertificateEntry("trusted-" + i, certificates.get(i));
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build an in-memory trust store", e);
        }
    }
}
