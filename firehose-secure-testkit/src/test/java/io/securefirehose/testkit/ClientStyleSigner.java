package io.securefirehose.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signs a request the way a client other than the AWS SDK for Java does: over exactly the headers it is given (boto3
 * signs no {@code x-amz-content-sha256}; the AWS SDK for JavaScript adds {@code amz-sdk-*} headers), for path
 * {@code /} without query. Written for tests from AWS's published steps; {@code SigV4VerifierTest} checks it against
 * signatures computed with Python's standard library, so the end-to-end tests that use it do not rest on it alone.
 */
final class ClientStyleSigner {

    private ClientStyleSigner() {}

    /**
     * @param headers every header to sign, with its value as sent; must include host and x-amz-date
     * @return the {@code Authorization} header value
     */
    static String authorization(
            String accessKey, String secret, String region, String service, Map<String, String> headers, byte[] body)
            throws Exception {
        TreeMap<String, String> lowerCase = new TreeMap<>();
        headers.forEach((name, value) -> lowerCase.put(name.toLowerCase(java.util.Locale.ROOT), value.strip()));
        String amzDate = lowerCase.get("x-amz-date");
        String day = amzDate.substring(0, 8);
        StringBuilder canonical = new StringBuilder("POST\n/\n\n");
        lowerCase.forEach((name, value) ->
                canonical.append(name).append(':').append(value).append('\n'));
        String signedHeaders = String.join(";", lowerCase.keySet());
        canonical.append('\n').append(signedHeaders).append('\n').append(hex(sha256(body)));
        String scope = day + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
                + hex(sha256(canonical.toString().getBytes(UTF_8)));
        byte[] key = ("AWS4" + secret).getBytes(UTF_8);
        for (String part : new String[] {day, region, service, "aws4_request"}) {
            key = hmac(key, part);
        }
        return "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + hex(hmac(key, toSign));
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }

    private static byte[] hmac(byte[] key, String text) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(text.getBytes(UTF_8));
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
