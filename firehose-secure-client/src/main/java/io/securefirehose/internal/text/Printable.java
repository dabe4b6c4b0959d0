package io.securefirehose.internal.text;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * Makes a string read from untrusted input (a stream name in a frame or a spill segment, a file name) safe to put in
 * a message, a log line or on a terminal: control characters (which could move the cursor, clear the screen or
 * forge a log line), Unicode format characters (bidirectional overrides that reorder what is shown), unpaired
 * surrogates and the backslash itself become {@code \\u} and four hex digits; anything longer than {@value #MAX_CHARS} characters
 * is cut and marked. Stateless and thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class Printable {

    /** The most characters of the input that are kept. */
    public static final int MAX_CHARS = 256;

    private Printable() {}

    /**
     * @param untrusted any string
     * @return the string with every character that is not plainly printable escaped
     */
    public static String of(String untrusted) {
        int keep = Math.min(untrusted.length(), MAX_CHARS);
        StringBuilder out = new StringBuilder(keep + 16);
        for (int i = 0; i < keep; i++) {
            char c = untrusted.charAt(i);
            if (plain(untrusted, i, c)) {
                out.append(c);
                if (Character.isHighSurrogate(c)) {
                    out.append(untrusted.charAt(++i));
                }
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        if (untrusted.length() > keep) {
            out.append("...(").append(untrusted.length() - keep).append(" more characters)");
        }
        return out.toString();
    }

    private static boolean plain(String s, int i, char c) {
        if (c == '\\') {
            return false;
        }
        if (Character.isHighSurrogate(c)) {
            return i + 1 < s.length()
                    && Character.isLowSurrogate(s.charAt(i + 1))
                    && printable(Character.toCodePoint(c, s.charAt(i + 1)));
        }
        return !Character.isSurrogate(c) && printable(c);
    }

    private static boolean printable(int codePoint) {
        int type = Character.getType(codePoint);
        return type != Character.CONTROL
                && type != Character.FORMAT
                && type != Character.UNASSIGNED
                && type != Character.PRIVATE_USE
                && type != Character.LINE_SEPARATOR
                && type != Character.PARAGRAPH_SEPARATOR;
    }
}
