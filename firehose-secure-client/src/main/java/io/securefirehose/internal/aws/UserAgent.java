package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/** The user agent suffix every AWS call of this SDK carries, so that CloudTrail shows which calls came from it. */
@API(status = INTERNAL, since = "0.1.0")
public final class UserAgent {

    /** {@code firehose-secure/<version>}. */
    public static final String SUFFIX = "firehose-secure/" + version();

    private UserAgent() {}

    private static String version() {
        String version = UserAgent.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
