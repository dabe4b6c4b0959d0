package io.securefirehose.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.DecryptionFailedException;
import io.securefirehose.errors.EndpointPolicyViolationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.kms.model.KmsException;

/**
 * The decryptor's plaintext data keys are wiped when they leave its cache: the least recently used one at
 * eviction, all of them at close, and one that arrives from KMS after close is wiped instead of cached. The fake
 * decrypter keeps every array it hands out, so the test sees the very arrays the cache held.
 */
class DecryptedKeyCacheTest {

    private static final Map<String, String> CONTEXT = Map.of("firehose-secure:delivery-stream", "arn");

    private final List<byte[]> handedOut = new ArrayList<>();
    private Runnable duringDecrypt = () -> {};

    private final DataKeyDecrypter kms = (encrypted, context) -> {
        byte[] key = new byte[EnvelopeFormat.DATA_KEY_BYTES];
        Arrays.fill(key, (byte) (encrypted[0] | 0x10));
        handedOut.add(key);
        duringDecrypt.run();
        return key;
    };

    private static byte[] dataKey(DecryptedKeyCache cache, int id) {
        return cache.dataKey(new byte[] {(byte) id}, new byte[] {9}, CONTEXT, 0);
    }

    private static boolean wiped(byte[] key) {
        for (byte b : key) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Test
    void theLeastRecentlyUsedKeyIsWipedWhenItIsEvicted() {
        DecryptedKeyCache cache = new DecryptedKeyCache(kms, 2);
        dataKey(cache, 1);
        dataKey(cache, 2);
        dataKey(cache, 1); // 1 is now the most recently used: 2 goes first

        byte[] copyOfThree = dataKey(cache, 3);

        assertThat(handedOut).hasSize(3);
        assertThat(wiped(handedOut.get(1))).as("key 2, evicted").isTrue();
        assertThat(wiped(handedOut.get(0))).as("key 1, still cached").isFalse();
        assertThat(wiped(handedOut.get(2))).as("key 3, still cached").isFalse();
        assertThat(copyOfThree).isNotSameAs(handedOut.get(2)).isEqualTo(handedOut.get(2));
        assertThat(cache.decryptions()).isEqualTo(3);
        assertThat(cache.cachedKeys()).isEqualTo(2);
    }

    @Test
    void aKeyGivenOutIsACopyThatEvictionDoesNotWipe() {
        DecryptedKeyCache cache = new DecryptedKeyCache(kms, 1);
        byte[] inUse = dataKey(cache, 1);

        dataKey(cache, 2);

        assertThat(wiped(handedOut.get(0))).isTrue();
        assertThat(wiped(inUse)).as("the caller's copy, still decrypting").isFalse();
    }

    @Test
    void closeWipesEveryCachedKeyAndHandsOutNoMore() {
        DecryptedKeyCache cache = new DecryptedKeyCache(kms, 10);
        dataKey(cache, 1);
        dataKey(cache, 2);

        cache.close();

        assertThat(handedOut).allSatisfy(key -> assertThat(wiped(key)).isTrue());
        assertThat(cache.cachedKeys()).as("no wiped array is kept either").isZero();
        assertThatThrownBy(() -> dataKey(cache, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(handedOut).hasSize(2);
    }

    @Test
    void aKeyThatArrivesAfterCloseIsWipedNotCached() {
        DecryptedKeyCache cache = new DecryptedKeyCache(kms, 10);
        duringDecrypt = cache::close; // close() runs while this thread waits for KMS

        assertThatThrownBy(() -> dataKey(cache, 1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");

        assertThat(handedOut)
                .singleElement()
                .satisfies(key -> assertThat(wiped(key)).isTrue());
    }

    @Test
    void aKeyOfTheWrongSizeIsWipedAndRefused() {
        byte[] tooShort = new byte[16];
        Arrays.fill(tooShort, (byte) 5);
        DecryptedKeyCache cache = new DecryptedKeyCache((encrypted, context) -> tooShort, 10);

        assertThatThrownBy(() -> dataKey(cache, 1))
                .isInstanceOf(DecryptionFailedException.class)
                .hasMessageContaining("16 bytes, not 32");

        assertThat(wiped(tooShort)).isTrue();
    }

    static Stream<Arguments> decrypterFailures() {
        return Stream.of(
                Arguments.of(new CredentialsUnavailableException("no session yet", true, null), true),
                Arguments.of(new CredentialsUnavailableException("role refused", false, null), false),
                Arguments.of(new EndpointPolicyViolationException("address not allowed"), false),
                Arguments.of(kmsError(500, "KMSInternalException"), true),
                Arguments.of(kmsError(503, "KMSInternalException"), true),
                Arguments.of(kmsError(499, "SomethingElse"), false),
                Arguments.of(kmsError(400, "InvalidCiphertextException"), false),
                Arguments.of(kmsError(400, "ThrottlingException"), true),
                Arguments.of(kmsError(429, "TooManyRequests"), true),
                Arguments.of(new IllegalArgumentException("InvalidCiphertextException"), false),
                Arguments.of(new IllegalStateException("KMS Decrypt did not answer within PT10S"), true));
    }

    private static KmsException kmsError(int status, String code) {
        return (KmsException) KmsException.builder()
                .statusCode(status)
                .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).build())
                .message(code)
                .build();
    }

    /**
     * A failure that may pass when tried again (KMS unreachable, throttling, a server error, credentials not yet
     * there) is retriable and stops a skipping read; a refusal (a key KMS will not decrypt, an endpoint not allowed)
     * is not: the frame is bad.
     */
    @ParameterizedTest
    @MethodSource("decrypterFailures")
    void aDecrypterFailureIsRetriableExactlyWhenTryingAgainMayPass(RuntimeException failure, boolean retriable) {
        DecryptedKeyCache cache = new DecryptedKeyCache(
                (encrypted, context) -> {
                    throw failure;
                },
                10);

        assertThatThrownBy(() -> dataKey(cache, 1)).isInstanceOfSatisfying(DecryptionFailedException.class, e -> {
            assertThat(e.isRetriable()).as("retriable").isEqualTo(retriable);
            assertThat(e.getCause()).isSameAs(failure);
            assertThat(e.reason()).startsWith("the data key could not be decrypted: ");
        });
        assertThat(cache.cachedKeys()).isZero();
    }
}
