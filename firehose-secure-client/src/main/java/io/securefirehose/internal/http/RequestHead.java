package io.securefirehose.internal.http;

import java.nio.charset.StandardCharsets;
import java.util.List;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * The head of an HTTP/1.1 request (request line and headers) as it goes on the wire. Every header name must be an
 * HTTP token and every value visible ASCII or spaces and tabs: a request whose head would carry a line break (which
 * could smuggle a second request onto the connection) or anything else is refused, never written.
 */
final class RequestHead {

    private RequestHead() {}

    /**
     * @param request the signed request
     * @return its head, ending with the empty line
     * @throws IllegalArgumentException naming the header, if a name or value is not allowed
     */
    static byte[] of(SdkHttpRequest request) {
        StringBuilder head = new StringBuilder(1024);
        String path = request.encodedPath().isEmpty() ? "/" : request.encodedPath();
        requireVisible("request path", path);
        head.append(request.method().name()).append(' ').append(path).append(" HTTP/1.1\r\n");
        request.forEachHeader((name, values) -> append(head, name, values));
        head.append("\r\n");
        return head.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static void append(StringBuilder head, String name, List<String> values) {
        if (name.isEmpty() || !name.chars().allMatch(RequestHead::isTokenChar)) {
            throw new IllegalArgumentException("the header name \"" + printable(name) + "\" is not an HTTP token");
        }
        for (String value : values) {
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if ((c < 0x20 && c != '\t') || c > 0x7e) {
                    throw new IllegalArgumentException("the value of header " + name + " has the character 0x"
                            + Integer.toHexString(c) + " at " + i + ": only visible ASCII, spaces and tabs are sent");
                }
            }
            head.append(name).append(": ").append(value).append("\r\n");
        }
    }

    private static void requireVisible(String what, String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the " + what + " \"" + printable(text) + "\" is not visible ASCII");
        }
    }

    private static boolean isTokenChar(int c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.chars()
                .forEach(c ->
                        out.append(c >= 0x20 && c < 0x7f ? String.valueOf((char) c) : "\\x" + Integer.toHexString(c)));
        return out.toString();
    }
}
