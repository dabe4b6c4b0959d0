package io.securefirehose.posture;

import static org.apiguardian.api.API.Status.STABLE;

import io.securefirehose.ProducerConfig;
import io.securefirehose.internal.http.StreamDescriber;
import io.securefirehose.posture.PostureFinding.Level;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.services.firehose.model.CloudWatchLoggingOptions;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamDescription;
import software.amazon.awssdk.services.firehose.model.DeliveryStreamEncryptionConfiguration;
import software.amazon.awssdk.services.firehose.model.DestinationDescription;
import software.amazon.awssdk.services.firehose.model.EncryptionConfiguration;

/**
 * Checks a delivery stream's security configuration with {@code DescribeDeliveryStream} and reports findings
 * mapped to practices (AWS Well-Architected, security pillar: SEC08 protect data at rest, SEC04 detect security
 * events):
 *
 * <ul>
 *   <li>{@code stream-active}: the stream is {@code ACTIVE} (FAIL otherwise).
 *   <li>{@code sse-enabled}: server-side encryption is {@code ENABLED} (FAIL when disabled or failed, WARN while
 *       changing).
 *   <li>{@code sse-customer-managed-key}: it uses a customer managed KMS key, whose policy and rotation the owner
 *       controls (WARN with an AWS owned key).
 *   <li>{@code s3-destination-kms}: the S3 destination encrypts objects with a KMS key (WARN with
 *       {@code NoEncryption}, which leaves it to the bucket's default encryption).
 *   <li>{@code error-logging}: CloudWatch error logging is enabled for the destination (WARN otherwise).
 * </ul>
 *
 * <p>Stateless and thread-safe; {@link #check} blocks the calling thread for up to about twice the producer's
 * {@code requestTimeout}.
 */
@API(status = STABLE, since = "0.1.0")
public final class SecurityPosture {

    private static final String DATA_AT_REST = "protect data at rest (Well-Architected SEC08)";
    private static final String DETECTION = "detect and investigate failures (Well-Architected SEC04)";

    private SecurityPosture() {}

    /**
     * Describes the producer's stream over the producer's own connection rules and credentials, then evaluates it.
     * With {@code assumeRole}, the session policy also allows {@code firehose:DescribeDeliveryStream} on the stream.
     *
     * @param config the producer settings
     * @return the findings
     * @throws RuntimeException when the stream cannot be described: a typed refusal (TLS, endpoint, credentials)
     *     or the service's error (for example access denied or a missing stream)
     */
    public static PostureReport check(ProducerConfig config) {
        return evaluate(StreamDescriber.describe(config));
    }

    /**
     * Evaluates a description (for example one read by other means).
     *
     * @param stream the stream's description
     * @return the findings, in the order listed above
     */
    public static PostureReport evaluate(DeliveryStreamDescription stream) {
        List<PostureFinding> findings = new ArrayList<>();
        String status = String.valueOf(stream.deliveryStreamStatusAsString());
        findings.add(
                "ACTIVE".equals(status)
                        ? finding("stream-active", Level.PASS, "the stream accepts records", "status ACTIVE", "")
                        : finding(
                                "stream-active",
                                Level.FAIL,
                                "the stream accepts records",
                                "status " + status,
                                "wait for the stream to become ACTIVE, or look at its FailureDescription"));
        DeliveryStreamEncryptionConfiguration sse = stream.deliveryStreamEncryptionConfiguration();
        String sseStatus = sse == null ? "DISABLED" : String.valueOf(sse.statusAsString());
        findings.add(serverSideEncryption(sseStatus));
        findings.add(customerManagedKey(sse, sseStatus));
        DestinationDescription destination =
                stream.destinations().isEmpty() ? null : stream.destinations().get(0);
        findings.add(s3Encryption(destination));
        findings.add(errorLogging(destination));
        return new PostureReport(String.valueOf(stream.deliveryStreamARN()), findings);
    }

    private static PostureFinding serverSideEncryption(String status) {
        String practice = "server-side encryption of the stream's buffers, " + DATA_AT_REST;
        return switch (status) {
            case "ENABLED" -> finding("sse-enabled", Level.PASS, practice, "server-side encryption ENABLED", "");
            case "ENABLING", "DISABLING" ->
                finding(
                        "sse-enabled",
                        Level.WARN,
                        practice,
                        "server-side encryption " + status,
                        "check again when the change has finished");
            default ->
                finding(
                        "sse-enabled",
                        Level.FAIL,
                        practice,
                        "server-side encryption " + status,
                        "enable it: aws firehose start-delivery-stream-encryption --delivery-stream-name <name>"
                                + " --delivery-stream-encryption-configuration-input"
                                + " KeyType=CUSTOMER_MANAGED_CMK,KeyARN=<key ARN>");
        };
    }

    private static PostureFinding customerManagedKey(
            @Nullable DeliveryStreamEncryptionConfiguration sse, String status) {
        String practice = "a customer managed KMS key, whose policy, rotation and audit the owner controls";
        String keyType = sse == null ? null : sse.keyTypeAsString();
        if (!"ENABLED".equals(status) && !"ENABLING".equals(status)) {
            return finding(
                    "sse-customer-managed-key",
                    Level.FAIL,
                    practice,
                    "no key: server-side encryption " + status,
                    "enable server-side encryption with KeyType=CUSTOMER_MANAGED_CMK");
        }
        if (sse != null && "CUSTOMER_MANAGED_CMK".equals(keyType)) {
            return finding(
                    "sse-customer-managed-key", Level.PASS, practice, "customer managed key " + sse.keyARN(), "");
        }
        return finding(
                "sse-customer-managed-key",
                Level.WARN,
                practice,
                "key type " + keyType,
                "switch to a customer managed key: start-delivery-stream-encryption with"
                        + " KeyType=CUSTOMER_MANAGED_CMK,KeyARN=<key ARN>");
    }

    private static PostureFinding s3Encryption(@Nullable DestinationDescription destination) {
        String practice = "the S3 destination encrypts objects with a KMS key, " + DATA_AT_REST;
        EncryptionConfiguration encryption = null;
        if (destination != null && destination.extendedS3DestinationDescription() != null) {
            encryption = destination.extendedS3DestinationDescription().encryptionConfiguration();
        } else if (destination != null && destination.s3DestinationDescription() != null) {
            encryption = destination.s3DestinationDescription().encryptionConfiguration();
        } else {
            return finding(
                    "s3-destination-kms",
                    Level.WARN,
                    practice,
                    "the destination is not S3; its encryption was not checked",
                    "check the destination's own encryption at rest");
        }
        if (encryption != null
                && encryption.kmsEncryptionConfig() != null
                && encryption.kmsEncryptionConfig().awskmsKeyARN() != null) {
            return finding(
                    "s3-destination-kms",
                    Level.PASS,
                    practice,
                    "objects encrypted with " + encryption.kmsEncryptionConfig().awskmsKeyARN(),
                    "");
        }
        return finding(
                "s3-destination-kms",
                Level.WARN,
                practice,
                "NoEncryption: objects get only the bucket's default encryption",
                "set the destination's EncryptionConfiguration to KMSEncryptionConfig with a customer managed key");
    }

    private static PostureFinding errorLogging(@Nullable DestinationDescription destination) {
        String practice = "delivery errors are logged to CloudWatch, " + DETECTION;
        CloudWatchLoggingOptions logging = null;
        if (destination != null && destination.extendedS3DestinationDescription() != null) {
            logging = destination.extendedS3DestinationDescription().cloudWatchLoggingOptions();
        } else if (destination != null && destination.s3DestinationDescription() != null) {
            logging = destination.s3DestinationDescription().cloudWatchLoggingOptions();
        }
        if (logging != null && Boolean.TRUE.equals(logging.enabled())) {
            return finding(
                    "error-logging",
                    Level.PASS,
                    practice,
                    "logging to " + logging.logGroupName() + "/" + logging.logStreamName(),
                    "");
        }
        return finding(
                "error-logging",
                Level.WARN,
                practice,
                destination == null ? "no destination described" : "CloudWatch error logging is off",
                "enable CloudWatchLoggingOptions on the destination (Enabled=true with a log group and stream)");
    }

    private static PostureFinding finding(String id, Level level, String practice, String evidence, String fix) {
        return new PostureFinding(id, level, practice, evidence, fix);
    }
}
