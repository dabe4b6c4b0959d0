package io.securefirehose.internal.keys;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.util.Arrays;
import org.apiguardian.api.API;
import software.amazon.awssdk.core.SdkBytes;

/**
 * Takes a plaintext data key out of a KMS response and wipes it there: the response object (which the SDK's
 * interceptors and the caller's code may keep) is left holding zeros, and the caller owns the only copy.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class KmsPlaintext {

    private KmsPlaintext() {}

    /**
     * @param plaintext the {@code Plaintext} of a {@code GenerateDataKey} or {@code Decrypt} response
     * @return a copy of the key, which the caller wipes when done
     */
    public static byte[] take(SdkBytes plaintext) {
        // The array behind the response's bytes (the SDK decodes the base64 into an array of its own and wraps it);
        // were it ever a copy, wiping it would only wipe that copy.
        byte[] held = plaintext.asByteArrayUnsafe();
        byte[] key = held.clone();
        Arrays.fill(held, (byte) 0);
        return key;
    }
}
