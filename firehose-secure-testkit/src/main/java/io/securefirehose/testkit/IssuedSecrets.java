package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Every secret a {@link LocalFirehose} hands out carries a marker, so that a test can search logs, exception
 * messages and files for any of them: the secret access keys of its default and issued credentials, the session
 * tokens of its STS, and the plaintext data keys of 32 bytes or more of its KMS (their first bytes, which also appear
 * in their base64 and hex forms). Each secret still holds at least 104 random bits besides its marker.
 */
@API(status = STABLE, since = "0.1.0")
public final class IssuedSecrets {

    /** The start of every secret access key the endpoint creates. */
    public static final String SECRET_KEY_MARKER = "LocalSecretKey";

    /** The start of every session token its STS issues. */
    public static final String SESSION_TOKEN_MARKER = "FwoLocalSessionToken";

    private static final byte[] DATA_KEY_MARKER = {'L', 'o', 'c', 'a', 'l', 'D', 'K', '!', '#', '%', '&', '*'};

    private IssuedSecrets() {}

    /** @return the first bytes of every plaintext data key of 32 bytes or more its KMS generates (a copy) */
    public static byte[] dataKeyMarker() {
        return DATA_KEY_MARKER.clone();
    }

    /**
     * @return the texts any of the secrets would show in a log or a message: the two markers, and the data-key
     *     marker in base64 and in hex (both cases)
     */
    public static List<String> textMarkers() {
        String hex = HexFormat.of().formatHex(DATA_KEY_MARKER);
        return List.of(
                SECRET_KEY_MARKER,
                SESSION_TOKEN_MARKER,
                Base64.getEncoder().encodeToString(DATA_KEY_MARKER),
                hex,
                hex.toUpperCase(java.util.Locale.ROOT),
                new String(DATA_KEY_MARKER, java.nio.charset.StandardCharsets.US_ASCII));
    }

    /**
     * @param text a log, a message, a file's content
     * @return the first marker found in it, or empty
     */
    public static java.util.Optional<String> findIn(String text) {
        return textMarkers().stream().filter(text::contains).findFirst();
    }
}
