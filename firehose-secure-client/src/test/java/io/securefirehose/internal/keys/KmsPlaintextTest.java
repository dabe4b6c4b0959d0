package io.securefirehose.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.kms.model.DecryptResponse;

class KmsPlaintextTest {

    @Test
    void theKeyIsTakenOutOfTheResponseAndWipedThere() {
        byte[] key = new byte[32];
        java.util.Arrays.fill(key, (byte) 0x42);
        // As the SDK builds it: the base64 from the JSON body decoded into an array it wraps.
        DecryptResponse response = DecryptResponse.builder()
                .plaintext(SdkBytes.fromByteArrayUnsafe(key.clone()))
                .build();
        byte[] taken = KmsPlaintext.take(response.plaintext());
        assertThat(taken).isEqualTo(key);
        assertThat(response.plaintext().asByteArray()).containsOnly(0);
    }
}
