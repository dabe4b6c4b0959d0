package io.securefirehose.credentials;

import io.securefirehose.internal.aws.AwsNames;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/** The checks STS settings share ({@link AssumeRole}, {@link WebIdentity}): each refuses a bad value naming it. */
final class StsSettings {

    private StsSettings() {}

    static String roleArn(String roleArn) {
        Objects.requireNonNull(roleArn, "roleArn must not be null");
        if (!AwsNames.ROLE_ARN.matcher(roleArn).matches()) {
            throw new IllegalArgumentException(
                    "roleArn must look like arn:aws:iam::<12-digit account>:role/<name>, was '" + roleArn + "'");
        }
        return roleArn;
    }

    /** A session name or source identity: 2 to 64 of letters, digits and {@code +=,.@-}. */
    static String name(String option, String value) {
        Objects.requireNonNull(value, option + " must not be null");
        if (!AwsNames.SESSION_NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    option + " must be 2 to 64 of letters, digits and +=,.@-, was '" + value + "'");
        }
        return value;
    }

    static Duration duration(Duration duration) {
        Objects.requireNonNull(duration, "duration must not be null");
        if (duration.compareTo(AssumeRole.MIN_DURATION) < 0 || duration.compareTo(AssumeRole.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("duration must be between 15 minutes and 12 hours, was " + duration);
        }
        return duration;
    }

    static Duration refreshBefore(Duration before) {
        Objects.requireNonNull(before, "refreshBefore must not be null");
        if (before.isNegative() || before.isZero()) {
            throw new IllegalArgumentException("refreshBefore must be more than zero, was " + before);
        }
        return before;
    }

    static URI stsEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "stsEndpoint must not be null");
        if (!"https".equals(String.valueOf(endpoint.getScheme()).toLowerCase(Locale.ROOT))
                || endpoint.getHost() == null) {
            throw new IllegalArgumentException(
                    "stsEndpoint must be an https:// URL so that credentials travel over TLS, was '" + endpoint + "'");
        }
        return endpoint;
    }
}
