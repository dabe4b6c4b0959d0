package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * What {@link LocalFirehose} reports about a stream's security configuration in {@code DescribeDeliveryStream},
 * and whether its {@code PutRecordBatch} answers say {@code Encrypted=true} (exactly when server-side encryption is
 * {@code ENABLED}). Immutable.
 *
 * @param status {@code DeliveryStreamStatus}, for example {@code ACTIVE} or {@code CREATING}
 * @param encryptionStatus server-side encryption {@code Status}: {@code ENABLED}, {@code ENABLING},
 *     {@code ENABLING_FAILED}, {@code DISABLED}, {@code DISABLING}, {@code DISABLING_FAILED}
 * @param encryptionKeyType {@code AWS_OWNED_CMK} or {@code CUSTOMER_MANAGED_CMK}, or {@code null} when disabled
 * @param encryptionKeyArn the customer managed key's ARN, or {@code null}
 * @param s3KmsKeyArn the KMS key the S3 destination encrypts objects with, or {@code null} for
 *     {@code NoEncryption}
 * @param errorLogging whether the destination's CloudWatch error logging is enabled
 */
@API(status = STABLE, since = "0.1.0")
public record StreamPosture(
        String status,
        String encryptionStatus,
        @Nullable String encryptionKeyType,
        @Nullable String encryptionKeyArn,
        @Nullable String s3KmsKeyArn,
        boolean errorLogging) {

    private static final Set<String> ENCRYPTION_STATUSES =
            Set.of("ENABLED", "ENABLING", "ENABLING_FAILED", "DISABLED", "DISABLING", "DISABLING_FAILED");
    private static final Set<String> KEY_TYPES = Set.of("AWS_OWNED_CMK", "CUSTOMER_MANAGED_CMK");

    /**
     * Checks the values against what Firehose can report.
     *
     * @param status {@code DeliveryStreamStatus}
     * @param encryptionStatus server-side encryption status
     * @param encryptionKeyType key type, or {@code null}
     * @param encryptionKeyArn customer managed key ARN, or {@code null}
     * @param s3KmsKeyArn the S3 destination's KMS key, or {@code null}
     * @param errorLogging whether CloudWatch error logging is on
     */
    public StreamPosture {
        Objects.requireNonNull(status, "status");
        if (!ENCRYPTION_STATUSES.contains(encryptionStatus)) {
            throw new IllegalArgumentException(
                    "encryptionStatus must be one of " + ENCRYPTION_STATUSES + ", was '" + encryptionStatus + "'");
        }
        if (encryptionKeyType != null && !KEY_TYPES.contains(encryptionKeyType)) {
            throw new IllegalArgumentException(
                    "encryptionKeyType must be one of " + KEY_TYPES + ", was '" + encryptionKeyType + "'");
        }
    }

    /** @return an active stream without server-side encryption, S3 encryption or error logging (the default) */
    public static StreamPosture unprotected() {
        return new StreamPosture("ACTIVE", "DISABLED", null, null, null, false);
    }

    /**
     * @param kmsKeyArn the customer managed key used for the stream and the S3 destination
     * @return an active stream that follows every practice the posture check looks at
     */
    public static StreamPosture compliant(String kmsKeyArn) {
        return new StreamPosture("ACTIVE", "ENABLED", "CUSTOMER_MANAGED_CMK", kmsKeyArn, kmsKeyArn, true);
    }

    /**
     * @param newStatus the {@code DeliveryStreamStatus}
     * @return a copy with that status
     */
    public StreamPosture withStatus(String newStatus) {
        return new StreamPosture(
                newStatus, encryptionStatus, encryptionKeyType, encryptionKeyArn, s3KmsKeyArn, errorLogging);
    }

    /**
     * @param newStatus server-side encryption status
     * @param keyType {@code AWS_OWNED_CMK} or {@code CUSTOMER_MANAGED_CMK}, or {@code null}
     * @param keyArn the customer managed key's ARN, or {@code null}
     * @return a copy with that server-side encryption
     */
    public StreamPosture withServerSideEncryption(String newStatus, @Nullable String keyType, @Nullable String keyArn) {
        return new StreamPosture(status, newStatus, keyType, keyArn, s3KmsKeyArn, errorLogging);
    }

    /**
     * @param keyArn the S3 destination's KMS key, or {@code null} for none
     * @return a copy with that destination encryption
     */
    public StreamPosture withS3KmsKey(@Nullable String keyArn) {
        return new StreamPosture(status, encryptionStatus, encryptionKeyType, encryptionKeyArn, keyArn, errorLogging);
    }

    /**
     * @param enabled whether CloudWatch error logging is on
     * @return a copy with that logging
     */
    public StreamPosture withErrorLogging(boolean enabled) {
        return new StreamPosture(status, encryptionStatus, encryptionKeyType, encryptionKeyArn, s3KmsKeyArn, enabled);
    }

    /** @return whether {@code PutRecordBatch} answers say {@code Encrypted=true} */
    public boolean encryptsAtRest() {
        return "ENABLED".equals(encryptionStatus);
    }
}
