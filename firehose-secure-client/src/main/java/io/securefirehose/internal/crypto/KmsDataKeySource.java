package io.securefirehose.internal.crypto;

import io.securefirehose.crypto.EnvelopeFormat;
import io.securefirehose.internal.aws.KmsClients;
import io.securefirehose.internal.keys.KmsPlaintext;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.services.kms.model.DataKeySpec;
import software.amazon.awssdk.services.kms.model.GenerateDataKeyRequest;

/** Data keys from KMS {@code GenerateDataKey} (AES-256) with the stream's encryption context. */
final class KmsDataKeySource implements DataKeySource {

    private final KmsClients.Secured kms;
    private final GenerateDataKeyRequest request;

    KmsDataKeySource(KmsClients.Secured kms, String keyId, Map<String, String> context) {
        this.kms = kms;
        this.request = GenerateDataKeyRequest.builder()
                .keyId(keyId)
                .keySpec(DataKeySpec.AES_256)
                .encryptionContext(context)
                .build();
    }

    // The handler settles the returned future in every case; the one whenComplete returns has nothing to add.
    @SuppressWarnings("FutureReturnValueIgnored")
    @Override
    public CompletableFuture<Generated> generate() {
        CompletableFuture<Generated> result = new CompletableFuture<>();
        kms.client().generateDataKey(request).whenComplete((response, error) -> {
            if (error != null) {
                result.completeExceptionally(kms.typed(error));
                return;
            }
            byte[] plaintext = KmsPlaintext.take(response.plaintext());
            byte[] encrypted = response.ciphertextBlob().asByteArray();
            if (plaintext.length != EnvelopeFormat.DATA_KEY_BYTES
                    || encrypted.length < 1
                    || encrypted.length > EnvelopeFormat.MAX_ENCRYPTED_DATA_KEY_BYTES) {
                Arrays.fill(plaintext, (byte) 0);
                result.completeExceptionally(new UnusableDataKeyException("KMS answered GenerateDataKey with a "
                        + plaintext.length + "-byte key and a " + encrypted.length + "-byte encrypted key; the"
                        + " format needs a " + EnvelopeFormat.DATA_KEY_BYTES + "-byte key and at most "
                        + EnvelopeFormat.MAX_ENCRYPTED_DATA_KEY_BYTES + " encrypted bytes"));
                return;
            }
            result.complete(new Generated(plaintext, encrypted, String.valueOf(response.keyId())));
        });
        return result;
    }

    @Override
    public void close() {
        kms.close();
    }

    /** KMS answered with a key the format cannot carry: will repeat, so it is permanent. */
    static final class UnusableDataKeyException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        UnusableDataKeyException(String message) {
            super(message);
        }
    }
}
