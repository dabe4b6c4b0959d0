package io.securefirehose.credentials;

import static org.apiguardian.api.API.Status.STABLE;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * Base credentials from a web identity token (an EKS service account's projected token, IRSA, or any OIDC token in a
 * file): the producer calls STS {@code AssumeRoleWithWebIdentity} itself, through the same TLS policy, trust
 * material and address rules as every other connection it opens, instead of letting the AWS SDK's default chain
 * build an STS client of its own. The token file is read again at every refresh (it is rotated on disk); sessions
 * are refreshed in the background ahead of expiry, and senders never wait for STS.
 *
 * <p>When no {@code credentialsProvider} is set, a producer uses {@link #fromEnvironment()} if it finds the
 * variables, so a workload on EKS is under the policy without configuration.
 *
 * <p>Immutable and thread-safe.
 */
@API(status = STABLE, since = "0.1.0")
public final class WebIdentity {

    private final String roleArn;
    private final Path tokenFile;
    private final String sessionName;
    private final Duration duration;
    private final Duration refreshBefore;
    private final @Nullable URI stsEndpoint;

    private WebIdentity(Builder b) {
        this.roleArn = b.roleArn;
        this.tokenFile = Objects.requireNonNull(b.tokenFile);
        this.sessionName = b.sessionName != null ? b.sessionName : AssumeRole.defaultSessionName();
        this.duration = b.duration;
        this.refreshBefore = b.refreshBefore;
        this.stsEndpoint = b.stsEndpoint;
    }

    /**
     * Starts settings for a role.
     *
     * @param roleArn {@code arn:aws:iam::<account>:role/<name>}
     * @return a builder
     * @throws IllegalArgumentException if the ARN is not a role ARN
     */
    public static Builder role(String roleArn) {
        return new Builder(roleArn);
    }

    /**
     * The settings the AWS SDK's default chain would read, where it reads them: the system properties
     * {@code aws.roleArn}, {@code aws.webIdentityTokenFile} and {@code aws.roleSessionName}, else the environment
     * variables {@code AWS_ROLE_ARN}, {@code AWS_WEB_IDENTITY_TOKEN_FILE} and {@code AWS_ROLE_SESSION_NAME}.
     *
     * @return the settings, or empty when the role and the token file are not both set
     * @throws IllegalArgumentException if they are set but malformed
     */
    public static Optional<WebIdentity> fromEnvironment() {
        Map<String, String> variables = new HashMap<>(System.getenv());
        putProperty(variables, "AWS_ROLE_ARN", "aws.roleArn");
        putProperty(variables, "AWS_WEB_IDENTITY_TOKEN_FILE", "aws.webIdentityTokenFile");
        putProperty(variables, "AWS_ROLE_SESSION_NAME", "aws.roleSessionName");
        return fromVariables(variables);
    }

    private static void putProperty(Map<String, String> variables, String variable, String property) {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            variables.put(variable, value);
        }
    }

    static Optional<WebIdentity> fromVariables(Map<String, String> variables) {
        String role = variables.get("AWS_ROLE_ARN");
        String tokenFile = variables.get("AWS_WEB_IDENTITY_TOKEN_FILE");
        if (role == null || role.isBlank() || tokenFile == null || tokenFile.isBlank()) {
            return Optional.empty();
        }
        Builder builder = role(role.trim()).tokenFile(Path.of(tokenFile.trim()));
        String session = variables.get("AWS_ROLE_SESSION_NAME");
        if (session != null && !session.isBlank()) {
            builder.sessionName(session.trim());
        }
        return Optional.of(builder.build());
    }

    /** @return the role's ARN */
    public String roleArn() {
        return roleArn;
    }

    /** @return the file the token is read from at every refresh */
    public Path tokenFile() {
        return tokenFile;
    }

    /** @return the role session name (shown in CloudTrail) */
    public String sessionName() {
        return sessionName;
    }

    /** @return the session duration asked for */
    public Duration duration() {
        return duration;
    }

    /** @return how long before expiry new credentials are fetched */
    public Duration refreshBefore() {
        return refreshBefore;
    }

    /** @return the STS endpoint override, or {@code null} for the regional endpoint */
    public @Nullable URI stsEndpoint() {
        return stsEndpoint;
    }

    @Override
    public String toString() {
        return "WebIdentity{" + roleArn + ", token file " + tokenFile + ", session=" + sessionName + "}";
    }

    /** Collects and checks the settings; each setter refuses a malformed value naming it. Not thread-safe. */
    public static final class Builder {
        private final String roleArn;
        private @Nullable Path tokenFile;
        private @Nullable String sessionName;
        private Duration duration = Duration.ofHours(1);
        private Duration refreshBefore = Duration.ofMinutes(5);
        private @Nullable URI stsEndpoint;

        private Builder(String roleArn) {
            this.roleArn = StsSettings.roleArn(roleArn);
        }

        /**
         * @param file the file holding the token; required
         * @return this builder
         */
        public Builder tokenFile(Path file) {
            this.tokenFile = Objects.requireNonNull(file, "tokenFile must not be null");
            return this;
        }

        /**
         * @param name 2 to 64 of letters, digits and {@code +=,.@-}; default {@code firehose-secure-<host name>}
         * @return this builder
         */
        public Builder sessionName(String name) {
            this.sessionName = StsSettings.name("sessionName", name);
            return this;
        }

        /**
         * @param duration between 15 minutes and 12 hours; default 1 hour
         * @return this builder
         */
        public Builder duration(Duration duration) {
            this.duration = StsSettings.duration(duration);
            return this;
        }

        /**
         * @param before how long before expiry to fetch new credentials; default 5 minutes
         * @return this builder
         */
        public Builder refreshBefore(Duration before) {
            this.refreshBefore = StsSettings.refreshBefore(before);
            return this;
        }

        /**
         * @param endpoint an HTTPS STS endpoint (an STS VPC endpoint, or a local test endpoint) instead of the
         *     regional one
         * @return this builder
         */
        public Builder stsEndpoint(URI endpoint) {
            this.stsEndpoint = StsSettings.stsEndpoint(endpoint);
            return this;
        }

        /**
         * @return the settings
         * @throws IllegalStateException if the token file is missing or refreshBefore is not less than duration
         */
        public WebIdentity build() {
            if (tokenFile == null) {
                throw new IllegalStateException("tokenFile is required: the file holding the web identity token");
            }
            if (refreshBefore.compareTo(duration) >= 0) {
                throw new IllegalStateException(
                        "refreshBefore (" + refreshBefore + ") must be less than duration (" + duration + ")");
            }
            return new WebIdentity(this);
        }
    }
}
