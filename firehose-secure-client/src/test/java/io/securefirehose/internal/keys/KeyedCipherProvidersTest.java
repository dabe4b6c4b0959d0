package io.securefirehose.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import java.nio.charset.StandardCharsets;
import java.security.Provider;
import java.security.Security;
import java.util.Arrays;
import java.util.stream.Stream;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link KeyedCipher} seals and opens with the key it was just given, under the JDK's provider and under one that
 * caches what it derives from a key by the key object's identity (Amazon Corretto Crypto Provider, which many AWS
 * hosts install first): a key object shared by every key made that provider seal with the first key it saw.
 * Nothing is installed JVM-wide; each provider is named.
 */
class KeyedCipherProvidersTest {

    static Stream<Provider> providers() {
        assertThat(AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError())
                .as("the native provider loads on this platform")
                .isNull();
        return Stream.of(Security.getProvider("SunJCE"), AmazonCorrettoCryptoProvider.INSTANCE);
    }

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        return key;
    }

    /** What the provider itself gives for this key and nonce through a plain key object. */
    private static byte[] reference(Provider provider, byte[] key, byte[] nonce, byte[] plaintext) throws Exception {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding", provider);
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
        return cipher.doFinal(plaintext);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("providers")
    void everyKeyInTurnSealsAndOpensWithThatKey(Provider provider) throws Exception {
        KeyedCipher keyed = new KeyedCipher(provider);
        byte[] plaintext = "card 4111".getBytes(StandardCharsets.UTF_8);
        for (int round = 1; round <= 4; round++) {
            byte[] key = key(round);
            byte[] nonce = new byte[12];
            nonce[0] = (byte) round;

            byte[] sealed = keyed.init(Cipher.ENCRYPT_MODE, key, nonce, 0, 12).doFinal(plaintext);

            assertThat(sealed).as("key %d", round).isEqualTo(reference(provider, key, nonce, plaintext));
            assertThat(keyed.init(Cipher.DECRYPT_MODE, key, nonce, 0, 12).doFinal(sealed))
                    .isEqualTo(plaintext);
            if (round % 2 == 0) {
                keyed.forget(); // the data key is dropped between some rounds, as when a key expires
            }
        }
    }
}
