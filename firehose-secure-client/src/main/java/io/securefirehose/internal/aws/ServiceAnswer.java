package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.errors.FirehoseSecureException;
import java.util.Set;
import org.apiguardian.api.API;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * What an AWS call's failure comes down to for the background clients (STS, KMS): the innermost failure that
 * explains it (the service's error, or our typed refusal), its error code, and whether it will repeat.
 *
 * @param cause the service error or typed refusal found in the chain, else the innermost failure
 * @param code the service's error code, or the failure's class name
 */
@API(status = INTERNAL, since = "0.1.0")
public record ServiceAnswer(Throwable cause, String code) {

    /** STS error codes that asking again would only repeat: the role, the policy or the token is wrong. */
    public static final Set<String> PERMANENT_STS_ERRORS = Set.of(
            "AccessDenied",
            "ValidationError",
            "MalformedPolicyDocument",
            "PackedPolicyTooLarge",
            "RegionDisabledException",
            "InvalidClientTokenId",
            "InvalidIdentityToken",
            "IDPRejectedClaim",
            "UnrecognizedClientException");

    /** KMS error codes that asking again would only repeat: the key or the permission to use it is wrong. */
    public static final Set<String> PERMANENT_KMS_ERRORS = Set.of(
            "AccessDeniedException",
            "NotFoundException",
            "DisabledException",
            "KMSInvalidStateException",
            "InvalidKeyUsageException",
            "IncorrectKeyException",
            "ValidationException",
            "UnrecognizedClientException",
            "InvalidGrantTokenException");

    /** The answer a failed call comes down to. */
    public static ServiceAnswer of(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null
                && cause.getCause() != cause
                && !(cause instanceof AwsServiceException)
                && !(cause instanceof FirehoseSecureException)) {
            cause = cause.getCause();
        }
        String code = cause instanceof AwsServiceException service && service.awsErrorDetails() != null
                ? service.awsErrorDetails().errorCode()
                : cause.getClass().getSimpleName();
        return new ServiceAnswer(cause, code);
    }

    /**
     * Whether asking again will get the same answer: one of the service's final codes, or a typed refusal that is
     * not retriable (a refused TLS connection or endpoint address is refused again).
     */
    public boolean isPermanent(Set<String> permanentCodes) {
        return permanentCodes.contains(code)
                || (cause instanceof FirehoseSecureException secure && !secure.isRetriable());
    }
}
