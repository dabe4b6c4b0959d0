package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Map;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * An STS {@code AssumeRole} call {@link LocalFirehose} received.
 *
 * @param roleArn the role asked for
 * @param roleSessionName the session name
 * @param policy the inline session policy sent, if any
 * @param externalId the external id sent, if any
 * @param durationSeconds the duration asked for
 * @param sourceIdentity the source identity sent, if any
 * @param tags the session tags sent
 * @param callerAccessKeyId the access key that signed the call
 * @param issuedAccessKeyId the access key id of the session credentials issued, or {@code null} if refused
 * @param outcome {@code OK} or the error code answered; for {@code AssumeRoleWithWebIdentity}, prefixed with that
 *     action
 */
@API(status = STABLE, since = "0.1.0")
public record CapturedAssumeRole(
        String roleArn,
        String roleSessionName,
        @Nullable String policy,
        @Nullable String externalId,
        int durationSeconds,
        @Nullable String sourceIdentity,
        Map<String, String> tags,
        @Nullable String callerAccessKeyId,
        @Nullable String issuedAccessKeyId,
        String outcome) {

    /**
     * Copies the tags, so that a captured call cannot change afterwards.
     *
     * @param roleArn the role asked for
     * @param roleSessionName the session name
     * @param policy the inline session policy sent, if any
     * @param externalId the external id sent, if any
     * @param durationSeconds the duration asked for
     * @param sourceIdentity the source identity sent, if any
     * @param tags the session tags sent
     * @param callerAccessKeyId the access key that signed the call
     * @param issuedAccessKeyId the access key id issued, or {@code null}
     * @param outcome {@code OK} or the error code answered; for {@code AssumeRoleWithWebIdentity}, prefixed with
     *     that action; for {@code AssumeRoleWithWebIdentity}, prefixed with that
     *     action
     */
    public CapturedAssumeRole {
        tags = Map.copyOf(tags);
    }
}
