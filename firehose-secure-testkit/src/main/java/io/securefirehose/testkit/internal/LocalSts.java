package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.testkit.CapturedAssumeRole;
import io.securefirehose.testkit.IssuedSecrets;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.BiConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * STS {@code AssumeRole} and {@code AssumeRoleWithWebIdentity} (query protocol, XML answers) for
 * {@link LocalFirehose}: issues temporary credentials for configured roles (for a web identity, only with the
 * configured token), records the calls it was sent, and tells the signature check which issued credentials are
 * still valid. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class LocalSts {

    private static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";
    private static final Pattern ROLE_ARN =
            Pattern.compile("arn:(aws[a-z-]*):iam::(\\d{12}):role/([\\w+=,.@/-]{1,512})");
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]{2,64}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What an answer is: status and XML body. */
    record Answer(int status, String body, @Nullable String errorCode) {}

    private record Issued(
            AwsBasicCredentials credentials,
            String token,
            Instant expires,
            String principal,
            @Nullable SessionPolicy policy) {}

    private final Map<String, Optional<String>> roles; // role ARN -> required external id
    private final Map<String, String> webIdentityRoles; // role ARN -> the token it accepts
    private final @Nullable Duration forcedDuration;
    private final Clock clock;
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final Queue<CapturedAssumeRole> calls = new ConcurrentLinkedQueue<>();
    private volatile boolean available = true;

    public LocalSts(
            Map<String, Optional<String>> roles,
            Map<String, String> webIdentityRoles,
            @Nullable Duration forcedDuration,
            Clock clock) {
        this.roles = Map.copyOf(roles);
        this.webIdentityRoles = Map.copyOf(webIdentityRoles);
        this.forcedDuration = forcedDuration;
        this.clock = clock;
    }

    Optional<SigV4Verifier.Known> issuedCredentials(String accessKeyId) {
        Issued session = issued.get(accessKeyId);
        return session == null
                ? Optional.empty()
                : Optional.of(new SigV4Verifier.Known(session.credentials(), session.token(), session.expires()));
    }

    /**
     * Whether a call may act on a resource, by the session policy of the temporary credentials that signed it, as
     * IAM evaluates session policies ({@link SessionPolicy}). Calls signed with long-term credentials, and sessions
     * requested without a policy, are allowed: this endpoint models no identity policies, so a role may do all a
     * session policy allows.
     *
     * @param caller the access key id that signed the call
     * @param action {@code service:Operation}
     * @param resource the ARN the call acts on
     * @param context the request's condition keys
     * @return the refusal as AWS words it, or {@code null} when the call is allowed
     */
    public @Nullable String denial(
            @Nullable String caller, String action, String resource, Map<String, String> context) {
        Issued session = caller == null ? null : issued.get(caller);
        if (session == null || session.policy() == null) {
            return null;
        }
        String why = session.policy().denial(action, resource, context);
        return why == null
                ? null
                : "User: " + session.principal() + " is not authorized to perform: " + action + " on resource: "
                        + resource + " " + why;
    }

    public void available(boolean available) {
        this.available = available;
    }

    public List<CapturedAssumeRole> calls() {
        return List.copyOf(calls);
    }

    void reset() {
        calls.clear();
        available = true;
    }

    Answer assumeRole(Map<String, String> form, @Nullable String caller) {
        String roleArn = form.getOrDefault("RoleArn", "");
        String sessionName = form.getOrDefault("RoleSessionName", "");
        String policy = form.get("Policy");
        String externalId = form.get("ExternalId");
        String sourceIdentity = form.get("SourceIdentity");
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 1; form.containsKey("Tags.member." + i + ".Key"); i++) {
            tags.put(form.get("Tags.member." + i + ".Key"), form.getOrDefault("Tags.member." + i + ".Value", ""));
        }
        int duration = durationSeconds(form);
        BiConsumer<@Nullable String, String> capture = (issuedKey, outcome) -> calls.add(new CapturedAssumeRole(
                roleArn, sessionName, policy, externalId, duration, sourceIdentity, tags, caller, issuedKey, outcome));
        Answer refusal = validate(roleArn, sessionName, policy, externalId, duration, false);
        if (refusal == null && !available) {
            refusal = error(503, "Receiver", "ServiceUnavailable", "Injected STS outage.");
        }
        if (refusal != null) {
            capture.accept(null, String.valueOf(refusal.errorCode()));
            return refusal;
        }
        Issued session = issue(duration, roleArn, sessionName, policy);
        capture.accept(session.credentials().accessKeyId(), "OK");
        return new Answer(
                200,
                "<AssumeRoleResponse xmlns=\"" + NAMESPACE + "\">\n"
                        + "  <AssumeRoleResult>\n"
                        + (sourceIdentity == null
                                ? ""
                                : "    <SourceIdentity>" + xml(sourceIdentity) + "</SourceIdentity>\n")
                        + assumedRole(sessionName, session)
                        + "    <PackedPolicySize>" + (policy == null ? 0 : Math.min(100, policy.length() / 20))
                        + "</PackedPolicySize>\n"
                        + "  </AssumeRoleResult>\n"
                        + "  <ResponseMetadata><RequestId>" + hex(16) + "</RequestId></ResponseMetadata>\n"
                        + "</AssumeRoleResponse>\n",
                null);
    }

    /**
     * {@code AssumeRoleWithWebIdentity}: unsigned, authorised by the token alone, for roles configured with
     * {@link LocalFirehoseBuilder#webIdentityRole}.
     */
    Answer assumeRoleWithWebIdentity(Map<String, String> form) {
        String roleArn = form.getOrDefault("RoleArn", "");
        String sessionName = form.getOrDefault("RoleSessionName", "");
        String token = form.getOrDefault("WebIdentityToken", "");
        int duration = durationSeconds(form);
        Answer refusal = validate(roleArn, sessionName, form.get("Policy"), null, duration, true);
        if (refusal == null && !token.equals(webIdentityRoles.get(roleArn))) {
            refusal =
                    error(400, "Sender", "InvalidIdentityToken", "The web identity token is not valid for " + roleArn);
        }
        if (refusal == null && !available) {
            refusal = error(503, "Receiver", "ServiceUnavailable", "Injected STS outage.");
        }
        if (refusal != null) {
            calls.add(webIdentityCall(form, duration, null, String.valueOf(refusal.errorCode())));
            return refusal;
        }
        Issued session = issue(duration, roleArn, sessionName, form.get("Policy"));
        calls.add(webIdentityCall(form, duration, session.credentials().accessKeyId(), "OK"));
        return new Answer(
                200,
                "<AssumeRoleWithWebIdentityResponse xmlns=\"" + NAMESPACE + "\">\n"
                        + "  <AssumeRoleWithWebIdentityResult>\n"
                        + "    <SubjectFromWebIdentityToken>local-subject</SubjectFromWebIdentityToken>\n"
                        + "    <Audience>sts.amazonaws.com</Audience>\n"
                        + "    <Provider>local</Provider>\n"
                        + assumedRole(sessionName, session)
                        + "  </AssumeRoleWithWebIdentityResult>\n"
                        + "  <ResponseMetadata><RequestId>" + hex(16) + "</RequestId></ResponseMetadata>\n"
                        + "</AssumeRoleWithWebIdentityResponse>\n",
                null);
    }

    private static CapturedAssumeRole webIdentityCall(
            Map<String, String> form, int duration, @Nullable String issuedKey, String outcome) {
        return new CapturedAssumeRole(
                form.getOrDefault("RoleArn", ""),
                form.getOrDefault("RoleSessionName", ""),
                form.get("Policy"),
                null,
                duration,
                null,
                Map.of(),
                null,
                issuedKey,
                "AssumeRoleWithWebIdentity " + outcome);
    }

    private Issued issue(int durationSeconds, String roleArn, String sessionName, @Nullable String policy) {
        Instant expires = clock.instant()
                .plus(forcedDuration != null ? forcedDuration : Duration.ofSeconds(durationSeconds))
                .truncatedTo(ChronoUnit.SECONDS);
        AwsBasicCredentials credentials = AwsBasicCredentials.create(
                "ASIALOCAL" + hex(6).toUpperCase(Locale.ROOT), IssuedSecrets.SECRET_KEY_MARKER + hex(13));
        String token = IssuedSecrets.SESSION_TOKEN_MARKER + hex(32);
        Issued session = new Issued(
                credentials,
                token,
                expires,
                assumedRoleArn(roleArn, sessionName),
                policy == null ? null : SessionPolicy.parse(policy));
        issued.put(credentials.accessKeyId(), session);
        return session;
    }

    private static String assumedRoleArn(String roleArn, String sessionName) {
        Matcher role = ROLE_ARN.matcher(roleArn);
        if (!role.matches()) {
            return "arn:aws:sts::000000000000:assumed-role/role/" + sessionName;
        }
        return "arn:" + role.group(1) + ":sts::" + role.group(2) + ":assumed-role/" + role.group(3) + "/" + sessionName;
    }

    private static String assumedRole(String sessionName, Issued session) {
        AwsBasicCredentials credentials = session.credentials();
        return "    <AssumedRoleUser>\n"
                + "      <AssumedRoleId>AROALOCAL" + hex(6).toUpperCase(Locale.ROOT) + ":" + xml(sessionName)
                + "</AssumedRoleId>\n"
                + "      <Arn>" + xml(session.principal()) + "</Arn>\n"
                + "    </AssumedRoleUser>\n"
                + "    <Credentials>\n"
                + "      <AccessKeyId>" + credentials.accessKeyId() + "</AccessKeyId>\n"
                + "      <SecretAccessKey>" + credentials.secretAccessKey() + "</SecretAccessKey>\n"
                + "      <SessionToken>" + session.token() + "</SessionToken>\n"
                + "      <Expiration>" + DateTimeFormatter.ISO_INSTANT.format(session.expires()) + "</Expiration>\n"
                + "    </Credentials>\n";
    }

    private static int durationSeconds(Map<String, String> form) {
        try {
            return Integer.parseInt(form.getOrDefault("DurationSeconds", "3600"));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private @Nullable Answer validate(
            String roleArn,
            String sessionName,
            @Nullable String policy,
            @Nullable String externalId,
            int duration,
            boolean webIdentity) {
        if (!ROLE_ARN.matcher(roleArn).matches()) {
            return error(400, "Sender", "ValidationError", "RoleArn '" + roleArn + "' is not a valid role ARN");
        }
        if (!SESSION_NAME.matcher(sessionName).matches()) {
            return error(400, "Sender", "ValidationError", "RoleSessionName must be 2 to 64 of [\\w+=,.@-]");
        }
        if (duration < 900 || duration > 43200) {
            return error(400, "Sender", "ValidationError", "DurationSeconds must be between 900 and 43200");
        }
        if (policy != null && policy.length() > 2048) {
            return error(400, "Sender", "PackedPolicyTooLarge", "The session policy is too large");
        }
        if (policy != null) {
            try {
                SessionPolicy.parse(policy);
            } catch (IllegalArgumentException malformed) {
                return error(400, "Sender", "MalformedPolicyDocument", String.valueOf(malformed.getMessage()));
            }
        }
        if (webIdentity) {
            return webIdentityRoles.containsKey(roleArn)
                    ? null
                    : error(
                            403,
                            "Sender",
                            "AccessDenied",
                            "Not authorized to perform sts:AssumeRoleWithWebIdentity on " + roleArn);
        }
        Optional<String> requiredExternalId = roles.get(roleArn);
        if (requiredExternalId == null) {
            return error(403, "Sender", "AccessDenied", "Not authorized to perform sts:AssumeRole on " + roleArn);
        }
        if (requiredExternalId.isPresent() && !requiredExternalId.get().equals(externalId)) {
            return error(
                    403,
                    "Sender",
                    "AccessDenied",
                    "Not authorized to perform sts:AssumeRole on " + roleArn + " (external id does not match)");
        }
        return null;
    }

    /** STS's answer to a body that is not a valid form: 400 {@code MalformedQueryString}. */
    static Answer malformedQuery(String detail) {
        return error(400, "Sender", "MalformedQueryString", "the request body is not a valid form: " + detail);
    }

    private static Answer error(int status, String type, String code, String message) {
        return new Answer(
                status,
                "<ErrorResponse xmlns=\"" + NAMESPACE + "\">\n  <Error>\n    <Type>" + type + "</Type>\n    <Code>"
                        + code
                        + "</Code>\n    <Message>" + xml(message) + "</Message>\n  </Error>\n  <RequestId>" + hex(16)
                        + "</RequestId>\n</ErrorResponse>\n",
                code);
    }

    /**
     * Reads a form-encoded body.
     *
     * @throws IllegalArgumentException for a malformed {@code %} escape
     */
    static Map<String, String> parseForm(byte[] body, int length) {
        Map<String, String> form = new LinkedHashMap<>();
        String text = new String(body, 0, length, StandardCharsets.UTF_8);
        for (String pair : text.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            form.put(key, value);
        }
        return form;
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }

    private static String hex(int bytes) {
        byte[] random = new byte[bytes];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /**
     * Answers one signed STS call of the query protocol: a refused signature as STS refuses it (403), an
     * {@code AssumeRole} as configured, any other action with {@code InvalidAction}.
     *
     * @param action the form's {@code Action}
     * @param form the decoded form
     * @param signature the result of checking the call's SigV4 signature for service {@code sts}
     * @return the XML answer
     */
    public Answer serve(String action, Map<String, String> form, SigV4Verifier.Result signature) {
        if (!signature.verified()) {
            return new Answer(
                    signature.status() == 400 ? 403 : signature.status(),
                    "<ErrorResponse><Error><Type>Sender</Type><Code>" + signature.errorCode() + "</Code><Message>"
                            + signature.errorMessage() + "</Message></Error></ErrorResponse>\n",
                    signature.errorCode());
        }
        if ("AssumeRole".equals(action)) {
            return assumeRole(form, signature.accessKeyId());
        }
        return new Answer(
                400,
                "<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>LocalFirehose serves"
                        + " only AssumeRole of STS</Message></Error></ErrorResponse>\n",
                "InvalidAction");
    }
}
