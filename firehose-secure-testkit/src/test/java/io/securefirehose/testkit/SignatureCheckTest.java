package io.securefirehose.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SigV4 check refuses whatever AWS would refuse, and never trusts a header for the body's hash. */
class SignatureCheckTest {

    @RegisterExtension
    static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("s1"));

    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private static final byte[] BODY =
            "{\"DeliveryStreamName\":\"s1\",\"Records\":[{\"Data\":\"aGVsbG8=\"}]}".getBytes(UTF_8);

    @Test
    void aCorrectlySignedRawRequestIsAccepted(LocalFirehose server) throws Exception {
        RawClient.Response response = new RawClient(server).post("PutRecordBatch", BODY);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"FailedPutCount\":0");
        assertThat(new String(server.records("s1").get(0).data(), UTF_8)).isEqualTo("hello");
    }

    @Test
    void aBodyChangedAfterSigningIsRefused(LocalFirehose server) throws Exception {
        byte[] tampered = "{\"DeliveryStreamName\":\"s1\",\"Records\":[{\"Data\":\"ZXZpbA==\"}]}".getBytes(UTF_8);
        RawClient.Response response =
                new RawClient(server).post("PutRecordBatch", BODY, tampered, Clock.systemUTC(), h -> h);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("InvalidSignatureException");
        assertThat(server.records("s1")).isEmpty();
    }

    @Test
    void aContentHashHeaderThatLiesAboutTheBodyIsRefused(LocalFirehose server) throws Exception {
        byte[] tampered = "{\"DeliveryStreamName\":\"s1\",\"Records\":[{\"Data\":\"ZXZpbA==\"}]}".getBytes(UTF_8);
        RawClient.Response response = new RawClient(server)
                .post("PutRecordBatch", BODY, tampered, Clock.systemUTC(), h -> {
                    h.put("x-amz-content-sha256", List.of("0".repeat(64)));
                    return h;
                });
        assertThat(response.body()).contains("InvalidSignatureException");
        assertThat(server.records("s1")).isEmpty();
    }

    /** The headers boto3 sends and signs for a Firehose call: no x-amz-content-sha256, no content-length. */
    private static Map<String, String> boto3Headers(LocalFirehose server) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", server.endpoint().getAuthority());
        headers.put("X-Amz-Target", "Firehose_20150804.PutRecordBatch");
        headers.put("Content-Type", "application/x-amz-json-1.1");
        headers.put("X-Amz-Date", AMZ_DATE.format(Instant.now()));
        return headers;
    }

    /** The headers the AWS SDK for JavaScript (v3) sends and signs: its own amz-sdk-* and user-agent headers too. */
    private static Map<String, String> javascriptHeaders(LocalFirehose server) {
        Map<String, String> headers = new LinkedHashMap<>(boto3Headers(server));
        headers.put("content-length", String.valueOf(BODY.length));
        headers.put("x-amz-user-agent", "aws-sdk-js/3.700.0");
        headers.put("amz-sdk-invocation-id", "0b7bd7b4-1f3e-4c9e-9b4c-5b2f1b1c2d3e");
        headers.put("amz-sdk-request", "attempt=1; max=3");
        return headers;
    }

    private static RawClient.Response sendSigned(LocalFirehose server, Map<String, String> headers, boolean damage)
            throws Exception {
        String authorization = ClientStyleSigner.authorization(
                server.credentials().accessKeyId(),
                server.credentials().secretAccessKey(),
                server.region(),
                "firehose",
                headers,
                BODY);
        Map<String, String> sent = new LinkedHashMap<>(headers);
        sent.put(
                "Authorization",
                damage ? authorization.replaceFirst(".$", authorization.endsWith("0") ? "1" : "0") : authorization);
        return new RawClient(server).postAsIs(sent, BODY);
    }

    @Test
    void theTestSignerReproducesSignaturesComputedWithPython() throws Exception {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Host", "localhost:8443");
        headers.put("X-Amz-Target", "Firehose_20150804.PutRecordBatch");
        headers.put("Content-Type", "application/x-amz-json-1.1");
        headers.put("X-Amz-Date", "20261202T120000Z");

        // The boto3 vector of src/test/resources/sigv4/vectors.py.
        assertThat(ClientStyleSigner.authorization(
                        "AKIDEXAMPLE",
                        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
                        "us-east-1",
                        "firehose",
                        headers,
                        BODY))
                .endsWith("SignedHeaders=content-type;host;x-amz-date;x-amz-target, "
                        + "Signature=a304bd27f94b967d0f460d79913366a33a22b41da3f1d72ac2d26c3b339358bd");
    }

    @Test
    void aRequestSignedLikeBoto3IsAcceptedAndAWrongSignatureIsNot(LocalFirehose server) throws Exception {
        RawClient.Response refused = sendSigned(server, boto3Headers(server), true);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("InvalidSignatureException");
        assertThat(server.records("s1")).isEmpty();

        RawClient.Response accepted = sendSigned(server, boto3Headers(server), false);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(server.records("s1")).hasSize(1);
    }

    @Test
    void aRequestSignedLikeTheAwsSdkForJavaScriptIsAcceptedAndAWrongSignatureIsNot(LocalFirehose server)
            throws Exception {
        RawClient.Response refused = sendSigned(server, javascriptHeaders(server), true);
        assertThat(refused.body()).contains("InvalidSignatureException");
        assertThat(server.records("s1")).isEmpty();

        RawClient.Response accepted = sendSigned(server, javascriptHeaders(server), false);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(200);
        assertThat(server.records("s1")).hasSize(1);
    }

    @Test
    void aRequestWithoutSignatureIsRefused(LocalFirehose server) throws Exception {
        RawClient.Response response = new RawClient(server).post("PutRecordBatch", BODY, BODY, Clock.systemUTC(), h -> {
            h.remove("Authorization");
            return h;
        });
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("MissingAuthenticationTokenException");
    }

    @Test
    void aSignatureOlderThanFifteenMinutesIsRefused(LocalFirehose server) throws Exception {
        Clock stale = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-16));
        RawClient.Response response = new RawClient(server).post("PutRecordBatch", BODY, BODY, stale, h -> h);
        assertThat(response.body()).contains("InvalidSignatureException").contains("Signature expired");
    }

    @Test
    void aSignatureForAnotherRegionIsRefused(LocalFirehose server) throws Exception {
        RawClient.Response response = new RawClient(server, "eu-west-1").post("PutRecordBatch", BODY);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("InvalidSignatureException").contains("us-east-1");
    }
}
