package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.apiguardian.api.API;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away certificate authority and one server certificate it signed, made fresh at start so that no private
 * key is ever checked in. EC P-256 keys, SHA-256 signatures.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class GeneratedCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final X509Certificate authority;
    private final X509Certificate server;
    private final PrivateKey serverKey;

    private GeneratedCertificates(X509Certificate authority, X509Certificate server, PrivateKey serverKey) {
        this.authority = authority;
        this.server = server;
        this.serverKey = serverKey;
    }

    /**
     * Makes an authority and a server certificate for the given host names and IP addresses.
     *
     * @param hostNames DNS names the server certificate is valid for
     * @param addresses IP addresses the server certificate is valid for
     * @param validity how long both certificates stay valid from now (they start one hour in the past)
     * @return the generated material
     */
    public static GeneratedCertificates create(List<String> hostNames, List<InetAddress> addresses, Duration validity) {
        return create(
                hostNames,
                addresses,
                Instant.now().minus(Duration.ofHours(1)),
                Instant.now().plus(validity),
                "EC");
    }

    /**
     * Makes an authority and a server certificate with full control, for tests of certificate checks.
     *
     * @param hostNames DNS names the server certificate is valid for
     * @param addresses IP addresses the server certificate is valid for
     * @param notBefore start of the server certificate's validity
     * @param notAfter end of the server certificate's validity
     * @param serverKeyAlgorithm {@code EC} (P-256) or {@code RSA} (2048 bits; needed for RSA key exchange suites)
     * @return the generated material
     */
    public static GeneratedCertificates create(
            List<String> hostNames,
            List<InetAddress> addresses,
            Instant notBefore,
            Instant notAfter,
            String serverKeyAlgorithm) {
        try {
            KeyPair authorityKeys = newKeyPair("EC");
            Instant authorityNotBefore = notBefore.isBefore(Instant.now()) ? notBefore : Instant.now();
            Instant authorityNotAfter =
                    notAfter.isAfter(Instant.now()) ? notAfter : Instant.now().plus(Duration.ofDays(1));
            X500Name authorityName = new X500Name("CN=LocalFirehose Test CA " + Long.toHexString(RANDOM.nextLong()));
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509CertificateHolder authorityHolder = new JcaX509v3CertificateBuilder(
                            authorityName,
                            serial(),
                            Date.from(authorityNotBefore),
                            Date.from(authorityNotAfter),
                            authorityName,
                            authorityKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(
                            Extension.subjectKeyIdentifier,
                            false,
                            extensions.createSubjectKeyIdentifier(authorityKeys.getPublic()))
                    .build(signer(authorityKeys.getPrivate()));
            X509Certificate authority = convert(authorityHolder);

            KeyPair serverKeys = newKeyPair(serverKeyAlgorithm);
            List<GeneralName> names = new ArrayList<>();
            for (String host : hostNames) {
                names.add(new GeneralName(GeneralName.dNSName, host));
            }
            for (InetAddress address : addresses) {
                names.add(new GeneralName(GeneralName.iPAddress, address.getHostAddress()));
            }
            // The names are in the subject alternative names, which is what clients check; a common name may hold
            // at most 64 characters (RFC 5280), and a VPC endpoint's name is longer.
            String commonName =
                    hostNames.isEmpty() || hostNames.get(0).length() > 64 ? "LocalFirehose endpoint" : hostNames.get(0);
            X509CertificateHolder serverHolder = new JcaX509v3CertificateBuilder(
                            authorityName,
                            serial(),
                            Date.from(notBefore),
                            Date.from(notAfter),
                            new X500Name("CN=" + commonName),
                            serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(
                            Extension.keyUsage,
                            true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement | KeyUsage.keyEncipherment))
                    .addExtension(
                            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(
                            Extension.subjectAlternativeName,
                            false,
                            new GeneralNames(names.toArray(new GeneralName[0])))
                    .addExtension(
                            Extension.authorityKeyIdentifier, false, extensions.createAuthorityKeyIdentifier(authority))
                    .build(signer(authorityKeys.getPrivate()));
            return new GeneratedCertificates(authority, convert(serverHolder), serverKeys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate test certificates", e);
        }
    }

    /** @return the authority's certificate: what clients must trust */
    public X509Certificate authority() {
        return authority;
    }

    /** @return the server's certificate */
    public X509Certificate server() {
        return server;
    }

    /** @return the server's private key */
    public PrivateKey serverKey() {
        return serverKey;
    }

    /** @return the authority's certificate in PEM */
    public String authorityPem() {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(authority);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** @return an in-memory PKCS#12 trust store holding the authority */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("local-firehose-ca", authority);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair newKeyPair(String algorithm) throws GeneralSecurityException {
        if ("RSA".equals(algorithm)) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048, RANDOM);
            return generator.generateKeyPair();
        }
        if (!"EC".equals(algorithm)) {
            throw new IllegalArgumentException("server key algorithm must be EC or RSA, was " + algorithm);
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, RANDOM).add(BigInteger.ONE);
    }

    private static ContentSigner signer(PrivateKey key) throws OperatorCreationException {
        return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    }

    private static X509Certificate convert(X509CertificateHolder holder) throws GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(holder);
    }
}
