package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

/**
 * Checks a request's AWS Signature Version 4 the way the service does: it re-signs the received request with the
 * AWS SDK's own signer, using the secret of the access key the request names, and compares signatures in constant
 * time. The body hash is computed from the bytes received, never taken from a header.
 *
 * <p>Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SigV4Verifier {

    private static final String ALGORITHM = "AWS4-HMAC-SHA256";
    private static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final Duration MAX_SKEW = Duration.ofMinutes(15);

    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();
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
        SdkHttpRequest.Builder request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(URI.create("https://" + host + path));
        for (String name : parsed.signedHeaders()) {
            List<String> values = values(headers, name);
            if (values.isEmpty()) {
                return Result.error("InvalidSignatureException", "signed header '" + name + "' is missing", 400);
            }
            request.putHeader(name, values);
        }
        SignedRequest signed = signer.sign(r -> r.identity(credentials)
                .request(request.build())
                .payload(() -> new ByteArrayInputStream(body, 0, length))
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.fixed(signedAt, ZoneOffset.UTC)));
        Authorization expected = signed.request()
                .firstMatchingHeader("Authorization")
                .map(Authorization::parse)
                .orElse(null);
        if (expected == null
                || !expected.signedHeaders().equals(parsed.signedHeaders())
                || !MessageDigest.isEqual(
                        expected.signature().getBytes(StandardCharsets.US_ASCII),
                        parsed.signature().getBytes(StandardCharsets.US_ASCII))) {
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
