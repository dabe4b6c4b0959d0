package io.securefirehose.internal.http;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import io.securefirehose.ProducerConfig;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.TestResources;
import io.securefirehose.internal.producer.CoreTestSupport;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.testkit.Fault;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseExtension;
import io.securefirehose.transport.TrustMaterial;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The documented-answers table against a server this project did not write: WireMock over HTTPS answers each row
 * exactly as stubbed, and both request paths must settle it the same way, and the same way as against the local
 * endpoint. WireMock checks what arrived: one {@code PutRecordBatch} per path, signed (SigV4) and of Firehose's
 * awsJson1.1 protocol.
 */
class DocumentedAnswersWireMockTest {

    @RegisterExtension
    static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("t"));

    @RegisterExtension
    final TestResources resources = new TestResources();

    @TempDir
    static Path keys;

    private static WireMockServer wireMock;
    private static String certificatePem;

    @BeforeAll
    static void startWireMock() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=localhost");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                name,
                BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(1))),
                name,
                pair.getPublic());
        builder.addExtension(
                Extension.subjectAlternativeName,
                false,
                new GeneralNames(new GeneralName(GeneralName.dNSName, "localhost")));
        X509Certificate certificate = new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("wiremock", pair.getPrivate(), "changeit".toCharArray(), new X509Certificate[] {certificate});
        Path keystore = keys.resolve("wiremock.p12");
        try (var out = Files.newOutputStream(keystore)) {
            store.store(out, "changeit".toCharArray());
        }
        certificatePem = "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(UTF_8)).encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        wireMock = new WireMockServer(options()
                .bindAddress("127.0.0.1")
                .httpDisabled(true)
                .dynamicHttpsPort()
                .keystorePath(keystore.toString())
                .keystoreType("PKCS12")
                .keystorePassword("changeit")
                .keyManagerPassword("changeit"));
        wireMock.start();
    }

    @AfterAll
    static void stopWireMock() {
        if (wireMock != null) {
            wireMock.stop();
        }
    }

    private ProducerConfig toWireMock() {
        return SecureFirehoseProducer.builder()
                .deliveryStream("t")
                .region("us-east-1")
                .endpoint(URI.create("https://localhost:" + wireMock.httpsPort()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDWIREMOCK", "wm")))
                .trustMaterial(TrustMaterial.fromPem(certificatePem))
                .linger(Duration.ZERO)
                .requestTimeout(Duration.ofSeconds(20))
                .buildConfig();
    }

    private static ResponseDefinitionBuilder stubbed(int status, String errorType, String body) {
        ResponseDefinitionBuilder response = aResponse()
                .withStatus(status)
                .withHeader("Content-Type", "application/x-amz-json-1.1")
                .withHeader("x-amzn-RequestId", "wiremock-request")
                .withBody(body);
        return errorType.isEmpty() ? response : response.withHeader("X-Amzn-ErrorType", errorType);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("io.securefirehose.internal.http.LeanBatchTransportTest#documentedAnswers")
    void everyDocumentedAnswerFromWireMockMeansTheSameOnBothPathsAndAsFromTheLocalEndpoint(
            int status, String errorType, String body, LocalFirehose local) throws Exception {
        wireMock.resetAll();
        wireMock.stubFor(post(urlEqualTo("/")).willReturn(stubbed(status, errorType, body)));
        ProducerConfig config = toWireMock();
        SdkBatchTransport sdk = resources.add(SdkBatchTransport.create(config, new SecurityEvents()));
        LeanBatchTransport lean =
                resources.add(LeanBatchTransport.create(config, new SecurityEvents(), config.credentialsProvider()));
        List<io.securefirehose.internal.producer.PendingRecord> three = LeanBatchTransportTest.THREE;

        LeanBatchTransportTest.Outcome viaSdk = LeanBatchTransportTest.Outcome.of(sdk.send(three));
        LeanBatchTransportTest.Outcome viaLean = LeanBatchTransportTest.Outcome.of(lean.send(three));

        assertThat(viaLean).isEqualTo(viaSdk);
        wireMock.verify(
                2,
                postRequestedFor(urlEqualTo("/"))
                        .withHeader("X-Amz-Target", equalTo("Firehose_20150804.PutRecordBatch"))
                        .withHeader("Content-Type", equalTo("application/x-amz-json-1.1"))
                        .withHeader(
                                "Authorization",
                                matching(
                                        "AWS4-HMAC-SHA256 Credential=AKIDWIREMOCK/\\d{8}/"
                                                + "us-east-1/firehose/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}")));

        ProducerConfig localConfig = CoreTestSupport.transportConfig(local, "t", Duration.ofSeconds(20));
        SdkBatchTransport sdkToLocal = resources.add(SdkBatchTransport.create(localConfig, new SecurityEvents()));
        local.enqueueFaults(Fault.answer(status, errorType, body));
        assertThat(LeanBatchTransportTest.Outcome.of(sdkToLocal.send(three)))
                .as("the same answer from the local endpoint")
                .isEqualTo(viaSdk);
    }
}
