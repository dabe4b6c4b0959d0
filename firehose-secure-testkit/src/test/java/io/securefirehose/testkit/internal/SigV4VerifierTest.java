package io.securefirehose.testkit.internal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * The verifier accepts every correct client, whatever it chose to sign, and nothing else. The expected signatures
 * were computed by {@code src/test/resources/sigv4/vectors.py} with Python's standard library alone, following AWS's
 * published steps: not with this code, nor with any AWS SDK. Each client's header choice is the one it sends for a
 * Firehose call: boto3 signs neither {@code x-amz-content-sha256} nor {@code content-length}; the AWS SDK for
 * JavaScript adds its {@code amz-sdk-*} and {@code x-amz-user-agent} headers.
 */
class SigV4VerifierTest {

    private static final String ACCESS_KEY = "AKIDEXAMPLE";
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    private static final String TOKEN = "FwoLocalSessionTokenExample";
    private static final String DATE = "20261202T120000Z";
    private static final byte[] BODY =
            "{\"DeliveryStreamName\":\"s1\",\"Records\":[{\"Data\":\"aGVsbG8=\"}]}".getBytes(UTF_8);

    enum Client {
        BOTO3(
                "content-type;host;x-amz-date;x-amz-target",
                "a304bd27f94b967d0f460d79913366a33a22b41da3f1d72ac2d26c3b339358bd",
                "Host",
                "localhost:8443",
                "X-Amz-Target",
                "Firehose_20150804.PutRecordBatch",
                "Content-Type",
                "application/x-amz-json-1.1",
                "X-Amz-Date",
                DATE),
        BOTO3_WITH_SESSION(
                "content-type;host;x-amz-date;x-amz-security-token;x-amz-target",
                "57c6f5b9c18e53380b1adf057a8ae6fc4914b5ab0566c442c860c02142fb8dd7",
                "Host",
                "localhost:8443",
                "X-Amz-Target",
                "Firehose_20150804.PutRecordBatch",
                "Content-Type",
                "application/x-amz-json-1.1",
                "X-Amz-Date",
                DATE,
                "X-Amz-Security-Token",
                TOKEN),
        JAVASCRIPT_V3(
                "amz-sdk-invocation-id;amz-sdk-request;content-length;content-type;host;x-amz-date;x-amz-target;"
                        + "x-amz-user-agent",
                "6a773b148a107ef0856f4cf9e8a857e38a5501fab4771ece001c549611b6c4e5",
                "content-type",
                "application/x-amz-json-1.1",
                "x-amz-target",
                "Firehose_20150804.PutRecordBatch",
                "content-length",
                String.valueOf(BODY.length),
                "host",
                "localhost:8443",
                "x-amz-user-agent",
                "aws-sdk-js/3.700.0",
                "amz-sdk-invocation-id",
                "0b7bd7b4-1f3e-4c9e-9b4c-5b2f1b1c2d3e",
                "amz-sdk-request",
                "attempt=1; max=3",
                "x-amz-date",
                DATE);

        final String signedHeaders;
        final String signature;
        final Map<String, List<String>> headers = new LinkedHashMap<>();

        Client(String signedHeaders, String signature, String... namesAndValues) {
            this.signedHeaders = signedHeaders;
            this.signature = signature;
            for (int i = 0; i < namesAndValues.length; i += 2) {
                headers.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
            }
        }

        /** The request's headers with its Authorization header, as received. */
        Map<String, List<String>> signedWith(String signedHeaderList, String signatureHex) {
            Map<String, List<String>> received = new LinkedHashMap<>(headers);
            received.put(
                    "Authorization",
                    List.of("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/20261202/us-east-1/firehose/aws4_request, "
                            + "SignedHeaders=" + signedHeaderList + ", Signature=" + signatureHex));
            return received;
        }

        Map<String, List<String>> received() {
            return signedWith(signedHeaders, signature);
        }
    }

    private final SigV4Verifier verifier = new SigV4Verifier(
            accessKey -> accessKey.equals(ACCESS_KEY)
                    ? Optional.of(new SigV4Verifier.Known(
                            AwsCredentialsIdentity.create(ACCESS_KEY, SECRET), tokenFor(accessKey), null))
                    : Optional.empty(),
            "us-east-1",
            Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC),
            Clock.fixed(Instant.parse("2026-12-02T12:00:00Z"), ZoneOffset.UTC));

    private boolean withSession;

    private String tokenFor(String accessKey) {
        return withSession ? TOKEN : null;
    }

    private SigV4Verifier.Result verify(Client client, Map<String, List<String>> headers, byte[] body) {
        withSession = client == Client.BOTO3_WITH_SESSION;
        return verifier.verify("POST", "/", headers, body, body.length, "firehose");
    }

    private static String flipped(String signature) {
        char last = signature.charAt(signature.length() - 1);
        return signature.substring(0, signature.length() - 1) + (last == '0' ? '1' : '0');
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void eachClientsChoiceOfSignedHeadersVerifies(Client client) {
        SigV4Verifier.Result result = verify(client, client.received(), BODY);

        assertThat(result.verified())
                .as("%s: %s", client, result.errorMessage())
                .isTrue();
        assertThat(result.accessKeyId()).isEqualTo(ACCESS_KEY);
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void aSignatureOneDigitOffIsRefused(Client client) {
        SigV4Verifier.Result result =
                verify(client, client.signedWith(client.signedHeaders, flipped(client.signature)), BODY);

        assertThat(result.verified()).isFalse();
        assertThat(result.errorCode()).isEqualTo("InvalidSignatureException");
        assertThat(result.errorMessage()).contains("does not match the signature you provided");
    }

    @ParameterizedTest
    @EnumSource(Client.class)
    void aBodyOtherThanTheSignedOneIsRefused(Client client) {
        byte[] other = new String(BODY, UTF_8).replace("aGVsbG8=", "ZXZpbA==").getBytes(UTF_8);

        assertThat(verify(client, client.received(), other).errorCode()).isEqualTo("InvalidSignatureException");
    }

    @Test
    void aContentHashHeaderTheClientDidNotSignMustStillMatchTheBody() {
        Map<String, List<String>> correct = Client.BOTO3.received();
        correct.put("X-Amz-Content-Sha256", List.of(SigV4Verifier.sha256Hex(BODY, BODY.length)));
        Map<String, List<String>> lying = Client.BOTO3.received();
        lying.put("X-Amz-Content-Sha256", List.of("0".repeat(64)));

        assertThat(verify(Client.BOTO3, correct, BODY).verified()).isTrue();
        assertThat(verify(Client.BOTO3, lying, BODY).errorMessage())
                .isEqualTo("x-amz-content-sha256 does not match the body");
    }

    /** Why the boto3 request is refused when its Authorization header lists {@code signedHeaders}. */
    private String refusalWhenSigning(String signedHeaders) {
        return String.valueOf(verify(Client.BOTO3, Client.BOTO3.signedWith(signedHeaders, Client.BOTO3.signature), BODY)
                .errorMessage());
    }

    @Test
    void hostAndDateMustBeSignedAndSignedHeadersMustBeCanonical() {
        assertThat(refusalWhenSigning("content-type;x-amz-date;x-amz-target"))
                .isEqualTo("the Host header must be signed");
        assertThat(refusalWhenSigning("content-type;host;x-amz-target"))
                .isEqualTo("the X-Amz-Date header must be signed");
        assertThat(refusalWhenSigning("host;content-type;x-amz-date;x-amz-target"))
                .startsWith("SignedHeaders must be lower-case names in ascending order");
        assertThat(refusalWhenSigning("Content-Type;host;x-amz-date;x-amz-target"))
                .startsWith("SignedHeaders must be lower-case names in ascending order");
    }

    @Test
    void aSignedHeaderThatWasNotReceivedIsRefused() {
        Map<String, List<String>> received = Client.BOTO3.received();
        received.remove("X-Amz-Target");

        assertThat(verify(Client.BOTO3, received, BODY).errorMessage())
                .isEqualTo("signed header 'x-amz-target' is missing");
    }

    @Test
    void aSessionSignatureWithoutItsTokenIsRefused() {
        Map<String, List<String>> received = Client.BOTO3_WITH_SESSION.received();
        received.remove("X-Amz-Security-Token");

        assertThat(verify(Client.BOTO3_WITH_SESSION, received, BODY).errorCode())
                .isEqualTo("UnrecognizedClientException");
    }
}
