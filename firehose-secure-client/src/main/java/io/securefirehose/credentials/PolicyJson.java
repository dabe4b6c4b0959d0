package io.securefirehose.credentials;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The shapes of IAM policy JSON, in the key order AWS's own examples use. */
final class PolicyJson {

    private PolicyJson() {}

    static Map<String, Object> document(List<Object> statements) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("Version", "2012-10-17");
        document.put("Statement", statements);
        return document;
    }

    /** A statement in the usual key order: Sid, Effect, Principal, Action, then Resource and Condition. */
    static Map<String, Object> statement(String sid, @Nullable String principal, Object action) {
        Map<String, Object> statement = new LinkedHashMap<>();
        statement.put("Sid", sid);
        statement.put("Effect", "Allow");
        if (principal != null) {
            statement.put("Principal", map("AWS", principal));
        }
        statement.put("Action", action);
        return statement;
    }

    static Map<String, Object> map(String key, Object value) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key, value);
        return map;
    }
}
