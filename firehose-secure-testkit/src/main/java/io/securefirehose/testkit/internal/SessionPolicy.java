package io.securefirehose.testkit.internal;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A session policy as IAM evaluates it for the calls LocalFirehose serves: an explicit {@code Deny} wins, otherwise
 * the call needs an {@code Allow} statement whose action, resource and conditions all match, otherwise it is
 * denied. Evaluated: {@code Action}/{@code NotAction} and {@code Resource}/{@code NotResource} with {@code *} and
 * {@code ?} wildcards (actions case-insensitively), and the condition operators {@code StringEquals},
 * {@code StringNotEquals}, {@code StringEqualsIgnoreCase}, {@code StringLike}, {@code StringNotLike},
 * {@code ArnEquals}, {@code ArnLike}, {@code ArnNotEquals}, {@code ArnNotLike}, {@code IpAddress} and
 * {@code NotIpAddress} (CIDR ranges), each also with {@code IfExists}, over
 * single-valued keys (case-insensitive names). An operator outside that list fails closed: its {@code Allow}
 * statement matches nothing and its {@code Deny} statement matches everything. Immutable and thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SessionPolicy {

    private static final JsonFactory JSON = new JsonFactory();

    private record Condition(String operator, String key, List<String> values) {}

    /** A condition's outcome; {@code UNKNOWN} for an operator not evaluated here. */
    private enum Outcome {
        HOLDS,
        FAILS,
        UNKNOWN
    }

    private record Statement(
            boolean allow,
            List<String> actions,
            boolean notAction,
            List<String> resources,
            boolean notResource,
            List<Condition> conditions) {}

    private final List<Statement> statements;

    private SessionPolicy(List<Statement> statements) {
        this.statements = List.copyOf(statements);
    }

    /**
     * Reads a policy document as STS checks it when a session is requested.
     *
     * @param document the JSON policy
     * @return the policy
     * @throws IllegalArgumentException naming what is wrong, for a document STS would refuse as malformed
     */
    public static SessionPolicy parse(String document) {
        Object tree;
        try (JsonParser json = JSON.createParser(document)) {
            tree = read(json, json.nextToken());
            if (json.nextToken() != null) {
                throw new IllegalArgumentException("text after the policy document");
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("the policy is not valid JSON: " + e.getMessage(), e);
        }
        Map<String, Object> policy = object(tree, "the policy");
        Object version = policy.get("Version");
        if (!"2012-10-17".equals(version) && !"2008-10-17".equals(version)) {
            throw new IllegalArgumentException("Version must be 2012-10-17 or 2008-10-17, was " + version);
        }
        Object statement = policy.get("Statement");
        if (statement == null) {
            throw new IllegalArgumentException("the policy has no Statement");
        }
        List<Statement> statements = new ArrayList<>();
        for (Object each : statement instanceof List<?> list ? list : List.of(statement)) {
            statements.add(statement(object(each, "a Statement")));
        }
        return new SessionPolicy(statements);
    }

    /**
     * @param action the action, {@code service:Operation}
     * @param resource the ARN the call acts on
     * @param context the request's condition keys and values
     * @return why the call is denied, or {@code null} when the policy allows it
     */
    public @Nullable String denial(String action, String resource, Map<String, String> context) {
        Map<String, String> keys = new LinkedHashMap<>();
        context.forEach((key, value) -> keys.put(key.toLowerCase(Locale.ROOT), value));
        boolean allowed = false;
        for (Statement statement : statements) {
            boolean actionApplies = matches(statement.actions(), action, true) != statement.notAction();
            boolean resourceApplies = matches(statement.resources(), resource, false) != statement.notResource();
            if (!actionApplies || !resourceApplies) {
                continue;
            }
            Outcome conditions = conditionsHold(statement.conditions(), keys);
            if (!statement.allow() && conditions != Outcome.FAILS) {
                return "with an explicit deny in a session policy";
            }
            allowed |= statement.allow() && conditions == Outcome.HOLDS;
        }
        return allowed ? null : "because no session policy allows the " + action + " action";
    }

    private static Outcome conditionsHold(List<Condition> conditions, Map<String, String> keys) {
        for (Condition condition : conditions) {
            Outcome outcome = holds(condition, keys.get(condition.key()));
            if (outcome != Outcome.HOLDS) {
                return outcome;
            }
        }
        return Outcome.HOLDS;
    }

    private static Outcome holds(Condition condition, @Nullable String value) {
        String operator = condition.operator();
        boolean ifExists = operator.endsWith("IfExists");
        String base = ifExists ? operator.substring(0, operator.length() - "IfExists".length()) : operator;
        boolean negated = base.contains("Not");
        boolean like = base.endsWith("Like");
        boolean ignoreCase = base.equals("StringEqualsIgnoreCase");
        boolean ip = base.endsWith("IpAddress");
        if (!List.of(
                        "IpAddress",
                        "NotIpAddress",
                        "StringEquals",
                        "StringNotEquals",
                        "StringEqualsIgnoreCase",
                        "StringLike",
                        "StringNotLike",
                        "ArnEquals",
                        "ArnLike",
                        "ArnNotEquals",
                        "ArnNotLike")
                .contains(base)) {
            return Outcome.UNKNOWN;
        }
        if (value == null) {
            return ifExists || negated ? Outcome.HOLDS : Outcome.FAILS;
        }
        boolean any = false;
        for (String expected : condition.values()) {
            if (ip) {
                any |= inRange(expected, value);
            } else if (like) {
                any |= glob(expected, false).matcher(value).matches();
            } else {
                any |= ignoreCase ? expected.equalsIgnoreCase(value) : expected.equals(value);
            }
        }
        return any != negated ? Outcome.HOLDS : Outcome.FAILS;
    }

    /** Whether an address lies in a CIDR range (or equals a single address); false for anything unreadable. */
    private static boolean inRange(String cidr, String address) {
        int slash = cidr.indexOf('/');
        try {
            byte[] range = literal(slash < 0 ? cidr : cidr.substring(0, slash));
            byte[] given = literal(address);
            int prefix = slash < 0 ? range.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
            if (range.length != given.length || prefix < 0 || prefix > range.length * 8) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((range[bit / 8] & mask) != (given[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            return false;
        }
    }

    /** The bytes of a literal IPv4 or IPv6 address; never a name lookup. */
    private static byte[] literal(String address) throws java.net.UnknownHostException {
        if (!address.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("not a literal address: " + address);
        }
        return java.net.InetAddress.getByName(address).getAddress();
    }

    private static boolean matches(List<String> patterns, String value, boolean ignoreCase) {
        for (String pattern : patterns) {
            if (glob(pattern, ignoreCase).matcher(value).matches()) {
                return true;
            }
        }
        return false;
    }

    private static Pattern glob(String pattern, boolean ignoreCase) {
        StringBuilder regex = new StringBuilder();
        int literalStart = 0;
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' || c == '?') {
                regex.append(Pattern.quote(pattern.substring(literalStart, i))).append(c == '*' ? ".*" : ".");
                literalStart = i + 1;
            }
        }
        regex.append(Pattern.quote(pattern.substring(literalStart)));
        return Pattern.compile(regex.toString(), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    }

    private static Statement statement(Map<String, Object> statement) {
        if (statement.containsKey("Principal") || statement.containsKey("NotPrincipal")) {
            throw new IllegalArgumentException("a session policy must not name a Principal");
        }
        Object effect = statement.get("Effect");
        if (!"Allow".equals(effect) && !"Deny".equals(effect)) {
            throw new IllegalArgumentException("Effect must be Allow or Deny, was " + effect);
        }
        boolean notAction = statement.containsKey("NotAction");
        boolean notResource = statement.containsKey("NotResource");
        List<String> actions = strings(statement.get(notAction ? "NotAction" : "Action"), "Action");
        List<String> resources = strings(statement.get(notResource ? "NotResource" : "Resource"), "Resource");
        List<Condition> conditions = new ArrayList<>();
        Object condition = statement.get("Condition");
        if (condition != null) {
            for (Map.Entry<String, Object> operator :
                    object(condition, "Condition").entrySet()) {
                for (Map.Entry<String, Object> key :
                        object(operator.getValue(), operator.getKey()).entrySet()) {
                    conditions.add(new Condition(
                            operator.getKey(),
                            key.getKey().toLowerCase(Locale.ROOT),
                            strings(key.getValue(), key.getKey())));
                }
            }
        }
        return new Statement("Allow".equals(effect), actions, notAction, resources, notResource, conditions);
    }

    private static List<String> strings(@Nullable Object value, String name) {
        if (value instanceof String single) {
            return List.of(single);
        }
        if (value instanceof List<?> list && !list.isEmpty()) {
            List<String> strings = new ArrayList<>();
            for (Object each : list) {
                if (!(each instanceof String text)) {
                    throw new IllegalArgumentException(name + " must hold strings, had " + each);
                }
                strings.add(text);
            }
            return strings;
        }
        throw new IllegalArgumentException(name + " must be a string or a list of strings, was " + value);
    }

    @SuppressWarnings("unchecked") // read() builds maps of String to Object only
    private static Map<String, Object> object(@Nullable Object value, String name) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw new IllegalArgumentException(name + " must be a JSON object, was " + value);
    }

    private static @Nullable Object read(JsonParser json, @Nullable JsonToken token) throws IOException {
        if (token == null) {
            throw new IllegalArgumentException("the policy is empty");
        }
        switch (token) {
            case START_OBJECT -> {
                Map<String, Object> object = new LinkedHashMap<>();
                for (JsonToken next = json.nextToken(); next == JsonToken.FIELD_NAME; next = json.nextToken()) {
                    String name = json.currentName();
                    if (object.put(name, read(json, json.nextToken())) != null) {
                        throw new IllegalArgumentException("the field " + name + " appears twice");
                    }
                }
                return object;
            }
            case START_ARRAY -> {
                List<@Nullable Object> array = new ArrayList<>();
                for (JsonToken next = json.nextToken(); next != JsonToken.END_ARRAY; next = json.nextToken()) {
                    array.add(read(json, next));
                }
                return array;
            }
            case VALUE_STRING -> {
                return json.getText();
            }
            case VALUE_NULL -> {
                return null;
            }
            default -> {
                return json.getText();
            }
        }
    }
}
