package io.securefirehose.cli;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Rewrites the library's hints, which name its builder calls, into the flags a user of the tool sets instead: a
 * message that says {@code set EnvelopeEncryption.Builder.streamArn("arn:…")} becomes {@code set --stream-arn arn:…}.
 * Only the hints are rewritten; what the message reports (the rule, what was seen) stays as the library wrote it.
 */
final class FlagNames {

    private record Hint(Pattern call, String flag) {}

    private static final List<Hint> HINTS = List.of(
            new Hint(Pattern.compile("EnvelopeEncryption\\.Builder\\.streamArn\\(\"([^\"]*)\"\\)"), "--stream-arn $1"),
            new Hint(Pattern.compile("the encryption streamArn "), "--stream-arn "),
            new Hint(Pattern.compile("assumeRole\\(\\.\\.\\.\\)"), "--role-arn"),
            new Hint(Pattern.compile("allowedCidrs\\(\\.\\.\\.\\)"), "--allow-cidr"),
            new Hint(Pattern.compile("with trustMaterial\\b"), "with --trust-pem"),
            new Hint(Pattern.compile("(?:KmsDataKeyDecrypter\\.Builder\\.)?\\bfipsEnabled\\b"), "--fips"),
            new Hint(Pattern.compile("\\bdualStackEnabled\\b"), "--dual-stack"),
            new Hint(
                    Pattern.compile("vpcEndpoint conflicts with endpoint\\(([^)]*)\\)"),
                    "--vpc-endpoint conflicts with --endpoint $1"));

    private FlagNames() {}

    /** @return {@code message} with every library hint replaced by the tool's flag */
    static String translate(String message) {
        String text = message;
        for (Hint hint : HINTS) {
            text = hint.call().matcher(text).replaceAll(hint.flag());
        }
        return text;
    }
}
