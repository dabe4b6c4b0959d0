package io.securefirehose.internal;

/** The user agent suffix every AWS call of this SDK carries, so that CloudTrail shows which calls came from it. */
final class UserAgent {

    /** {@code firehose-secure/<version>}. */
    static final String SUFFIX = "firehose-secure/" + version();

    private UserAgent() {}

    private static String version() {
        String version = UserAgent.class.getPackage().getImplementationVersion();
        return version == null ? "dev" : version;
    }
}
