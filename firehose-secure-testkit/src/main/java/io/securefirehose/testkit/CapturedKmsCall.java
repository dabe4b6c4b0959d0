package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Map;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A KMS call {@link LocalFirehose} received ({@code GenerateDataKey} or {@code Decrypt}). Holds no key material.
 *
 * @param operation {@code GenerateDataKey}, {@code Decrypt} or the unsupported operation asked for
 * @param keyId the key as the caller named it (id, ARN, alias), or {@code null} when not sent
 * @param encryptionContext the encryption context sent
 * @param callerAccessKeyId the access key that signed the call
 * @param outcome {@code OK} or the error code answered
 */
@API(status = STABLE, since = "0.1.0")
public record CapturedKmsCall(
        String operation,
        @Nullable String keyId,
        Map<String, String> encryptionContext,
        @Nullable String callerAccessKeyId,
        String outcome) {

    /**
     * Copies the context, so that a captured call cannot change afterwards.
     *
     * @param operation the operation
     * @param keyId the key as named by the caller, if sent
     * @param encryptionContext the encryption context sent
     * @param callerAccessKeyId the access key that signed the call
     * @param outcome {@code OK} or the error code answered
     */
    public CapturedKmsCall {
        encryptionContext = Map.copyOf(encryptionContext);
    }
}
