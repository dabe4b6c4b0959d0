package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a request's AWS Signature Version 4 the way the service does: it computes the signature over exactly the
 * headers the client lists in {@code SignedHeaders} (which must include {@code host} and {@code x-amz-date}), with
 * the secret of the access key the request names, following AWS's published signing steps, and compares signatures
 * in constant time. So any correct client is accepted, whatever else it chose to sign (the AWS SDK for Java signs
 * {@code x-amz-content-sha256}; boto3 does not; the AWS SDK for JavaScript adds its {@code amz-sdk-*} headers). The
 * body hash is computed from the bytes received, never taken from a header; a {@code x-amz-content-sha256} header,
 * signed or not, must match it. This is an implementation of its own, independent of the signers it checks.
 *
 * <p>Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SigV4Verifier {

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final Function<String, Optional<Known>> credentialsByAccessKey;
    private final String region;
    private final Clock clock;
    private final Clock credentialClock;

    /**
     * Credentials the server accepts.
     *
     * @param identity access key and secret
     * @param sessionToken the session token requests must carry, for temporary credentials
     * @param expires when temporary credentials stop being accepted
     */
    public record Known(
            AwsCredentialsIdentity identity,
            @Nullable String sessionToken,
            @Nullable Instant expires) {}

    /** Outcome of a check: the access key that signed, or the AWS error to answer with. */
    public record Result(
            @Nullable String accessKeyId,
            @Nullable String errorCode,
            @Nullable String errorMessage,
            int status) {

        static Result ok(String accessKeyId) {
            return new Result(accessKeyId, null, null, 200);
        }

        static Result error(String code, String message, int status) {
            return new Result(null, code, message, status);
        }

        /** @return whether the signature verified */
        public boolean verified() {
            return errorCode == null;
        }
    }

    /**
     * Creates a verifier.
     *
     * @param credentialsByAccessKey the credentials accepted, looked up by access key id
     * @param region region the credential scope must name
     * @param clock clock used for the 15-minute signing-time window (clients sign with real time)
     * @param credentialClock clock that temporary credentials expire by (a test may move it by hand)
     */
    public SigV4Verifier(
            Function<String, Optional<Known>> credentialsByAccessKey,
            String region,
            Clock clock,
            Clock credentialClock) {
        this.credentialsByAccessKey = credentialsByAccessKey;
        this.region = region;
        this.clock = clock;
        this.credentialClock = credentialClock;
    }

    /**
     * Verifies one request.
     *
     * @param method HTTP method
     * @param path raw request path, for example {@code /}
     * @param headers received headers, names in any case, each name with its values in order
     * @param body buffer holding the received body from index 0
     * @param length length of the body
     * @param service the service the credential scope must name: {@code firehose} or {@code sts}
     * @return the access key id that signed, or the error to answer with
     */
    public Result verify(
            String method, String path, Map<String, List<String>> headers, byte[] body, int length, String service) {
        String authorization = first(headers, "authorization");
        if (authorization == null) {
            return Result.error("MissingAuthenticationTokenException", "Missing Authentication Token", 400);
        }
        Authorization parsed = Authorization.parse(authorization);
        if (parsed == null) {
            return Result.error(
                    "IncompleteSignatureException",
                    "Authorization header is not a valid " + ALGORITHM + " header",
                    400);
        }
        String[] scope = parsed.credential().split("/", -1);
        if (scope.length != 5 || !"aws4_request".equals(scope[4])) {
            return Result.error("IncompleteSignatureException", "Credential scope is malformed", 400);
        }
        String accessKeyId = scope[0];
        Optional<Known> known = credentialsByAccessKey.apply(accessKeyId);
        if (known.isEmpty()) {
            return Result.error(
                    "UnrecognizedClientException", "The security token included in the request is invalid.", 400);
        }
        String expectedToken = known.get().sessionToken();
        if (expectedToken != null) {
            String token = first(headers, "x-amz-security-token");
            if (token == null
                    || !MessageDigest.isEqual(
                            token.getBytes(StandardCharsets.UTF_8), expectedToken.getBytes(StandardCharsets.UTF_8))) {
                return Result.error(
                        "UnrecognizedClientException", "The security token included in the request is invalid.", 400);
            }
            Instant expires = known.get().expires();
            if (expires != null && !credentialClock.instant().isBefore(expires)) {
                return Result.error(
                        "ExpiredTokenException", "The security token included in the request is expired", 400);
            }
        }
        AwsCredentialsIdentity credentials = known.get().identity();
        if (!region.equals(scope[2]) || !service.equals(scope[3])) {
            return Result.error(
                    "InvalidSignatureException",
                    "Credential should be scoped to region '" + region + "' and service '" + service + "', was '"
                            + scope[2] + "/" + scope[3] + "'",
                    400);
        }
        String amzDate = first(headers, "x-amz-date");
        if (amzDate == null) {
            return Result.error("IncompleteSignatureException", "X-Amz-Date header is missing", 400);
        }
        Instant signedAt;
        try {
            signedAt = Instant.from(AMZ_DATE.parse(amzDate));
        } catch (DateTimeParseException e) {
            return Result.error("IncompleteSignatureException", "X-Amz-Date is not yyyyMMddTHHmmssZ", 400);
        }
        if (!amzDate.startsWith(scope[1])) {
            return Result.error("InvalidSignatureException", "Credential scope date does not match X-Amz-Date", 400);
        }
        Duration skew = Duration.between(signedAt, clock.instant()).abs();
        if (skew.compareTo(MAX_SKEW) > 0) {
            return Result.error(
                    "InvalidSignatureException",
                    "Signature expired: " + amzDate + " is more than 15 minutes from now",
                    400);
        }
        String contentSha256 = first(headers, "x-amz-content-sha256");
        if (contentSha256 != null && !contentSha256.equalsIgnoreCase(sha256Hex(body, length))) {
            return Result.error("InvalidSignatureException", "x-amz-content-sha256 does not match the body", 400);
        }
        String host = first(headers, "host");
        if (host == null || !parsed.signedHeaders().contains("host")) {
            return Result.error("InvalidSignatureException", "the Host header must be signed", 400);
        }
        if (!parsed.signedHeaders().contains("x-amz-date")) {
            return Result.error("InvalidSignatureException", "the X-Amz-Date header must be signed", 400);
        }
        if (!inCanonicalOrder(parsed.signedHeaders())) {
            return Result.error(
                    "InvalidSignatureException",
                    "SignedHeaders must be lower-case names in ascending order, separated by ';'",
                    400);
        }
        StringBuilder canonicalHeaders = new StringBuilder();
        for (String name : parsed.signedHeaders()) {
            List<String> values = values(headers, name);
            if (values.isEmpty()) {
                return Result.error("InvalidSignatureException", "signed header '" + name + "' is missing", 400);
            }
            canonicalHeaders.append(name).append(':');
            for (int i = 0; i < values.size(); i++) {
                canonicalHeaders
                        .append(i == 0 ? "" : ",")
                        .append(WHITESPACE.matcher(values.get(i).strip()).replaceAll(" "));
            }
            canonicalHeaders.append('\n');
        }
        int queryStart = path.indexOf('?');
        String canonicalRequest = String.join(
                "\n",
                method,
                canonicalUri(queryStart < 0 ? path : path.substring(0, queryStart)),
                queryStart < 0 ? "" : canonicalQuery(path.substring(queryStart + 1)),
                canonicalHeaders,
                String.join(";", parsed.signedHeaders()),
                sha256Hex(body, length));
        String stringToSign = String.join(
                "\n",
                ALGORITHM,
                amzDate,
                scope[1] + "/" + scope[2] + "/" + scope[3] + "/aws4_request",
                sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8)));
        byte[] key = ("AWS4" + credentials.secretAccessKey()).getBytes(StandardCharsets.UTF_8);
        for (String part : new String[] {scope[1], scope[2], scope[3], "aws4_request"}) {
            key = hmac(key, part);
        }
        String expected = HexFormat.of().formatHex(hmac(key, stringToSign));
        if (!MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.US_ASCII), parsed.signature().getBytes(StandardCharsets.US_ASCII))) {
            return Result.error(
                    "InvalidSignatureException",
                    "The request signature we calculated does not match the signature you provided.",
                    400);
        }
        return Result.ok(accessKeyId);
    }

    private static @Nullable String first(Map<String, List<String>> headers, String name) {
        List<String> values = values(headers, name);
        return values.isEmpty() ? null : values.get(0);
    }

    private static List<String> values(Map<String, List<String>> headers, String name) {
        for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
            if (entry.getKey().equalsIgnoreCase(name)) {
                return entry.getValue();
            }
        }
        return List.of();
    }

    private static boolean inCanonicalOrder(List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            if (name.isEmpty()
                    || !name.equals(name.toLowerCase(Locale.ROOT))
                    || (i > 0 && names.get(i - 1).compareTo(name) >= 0)) {
                return false;
            }
        }
        return true;
    }

    /** Each segment of the path as received (already encoded once) is encoded again, as for every service but S3. */
    private static String canonicalUri(String rawPath) {
        if (rawPath.isEmpty()) {
            return "/";
        }
        StringBuilder out = new StringBuilder();
        String[] segments = rawPath.split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            out.append(i == 0 ? "" : "/").append(uriEncode(segments[i]));
        }
        return out.toString();
    }

    /** Parameters decoded, encoded the canonical way, sorted by name and then value. */
    private static String canonicalQuery(String rawQuery) {
        List<String> parameters = new ArrayList<>();
        for (String parameter : rawQuery.split("&", -1)) {
            if (parameter.isEmpty()) {
                continue;
            }
            int eq = parameter.indexOf('=');
            String name = eq < 0 ? parameter : parameter.substring(0, eq);
            String value = eq < 0 ? "" : parameter.substring(eq + 1);
            parameters.add(uriEncode(percentDecode(name)) + "=" + uriEncode(percentDecode(value)));
        }
        parameters.sort(null);
        return String.join("&", parameters);
    }

    private static String uriEncode(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(HexFormat.of().withUpperCase().toHexDigits((byte) c));
            }
        }
        return out.toString();
    }

    private static String percentDecode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length() && isHex(text.charAt(i + 1)) && isHex(text.charAt(i + 2))) {
                out.write(HexFormat.fromHexDigits(text, i + 1, i + 3));
                i += 2;
            } else {
                out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static byte[] hmac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    private static String sha256Hex(byte[] bytes) {
        return sha256Hex(bytes, bytes.length);
    }

    static String sha256Hex(byte[] body, int length) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(body, 0, length);
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The parts of an {@code Authorization: AWS4-HMAC-SHA256 ...} header. */
    private record Authorization(String credential, List<String> signedHeaders, String signature) {

        static @Nullable Authorization parse(String header) {
            if (!header.startsWith(ALGORITHM + " ")) {
                return null;
            }
            String credential = null;
            String signedHeaders = null;
            String signature = null;
            for (String part : header.substring(ALGORITHM.length() + 1).split(",", -1)) {
                String item = part.trim();
                int eq = item.indexOf('=');
                if (eq < 0) {
                    return null;
                }
                String key = item.substring(0, eq);
                String value = item.substring(eq + 1);
                switch (key) {
                    case "Credential" -> credential = value;
                    case "SignedHeaders" -> signedHeaders = value;
                    case "Signature" -> signature = value;
                    default -> {
                        return null;
                    }
                }
            }
            if (credential == null || signedHeaders == null || signature == null || signedHeaders.isEmpty()) {
                return null;
            }
            return new Authorization(credential, List.of(signedHeaders.split(";", -1)), signature);
        }
    }
}
