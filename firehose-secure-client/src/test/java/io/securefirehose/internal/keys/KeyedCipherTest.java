package io.securefirehose.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Cipher;
import org.junit.jupiter.api.Test;

/** What the JDK's AES-GCM keeps of a key, and that {@link KeyedCipher#forget()} and key retirement remove it. */
class KeyedCipherTest {

    private static byte[] key(int fill) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) fill);
        key[31] = 1;
        return key;
    }

    @Test
    void aCipherHoldsItsKeyUntilItForgetsIt() throws Exception {
        byte[] key = key(0x3c);
        KeyedCipher keyed = new KeyedCipher();
        Cipher cipher = keyed.init(Cipher.ENCRYPT_MODE, key, new byte[12], 0, 12);
        cipher.doFinal(new byte[100]);
        assertThat(KeyResidue.of(keyed, key))
                .as("the JDK keeps the key and its schedule: what the search must find")
                .isNotEmpty();

        keyed.forget();
        assertThat(KeyResidue.of(keyed, key)).isEmpty();
        // And it works again afterwards, for encryption and decryption.
        byte[] sealed =
                keyed.init(Cipher.ENCRYPT_MODE, key, new byte[12], 0, 12).doFinal("again".getBytes());
        assertThat(keyed.init(Cipher.DECRYPT_MODE, key, new byte[12], 0, 12).doFinal(sealed))
                .isEqualTo("again".getBytes());
    }

    @Test
    void aRetiredDataKeyLeavesNoCopyInTheCiphersItLent() throws Exception {
        byte[] material = key(0x5e);
        byte[] original = material.clone();
        DataKey key = new DataKey(material, new byte[] {1}, "arn", 0, 100, 1_000_000, Long.MAX_VALUE);
        ConcurrentLinkedQueue<KeyedCipher> lent = new ConcurrentLinkedQueue<>();
        Thread[] sealers = new Thread[3];
        for (int t = 0; t < sealers.length; t++) {
            sealers[t] = new Thread(() -> {
                assertThat(key.tryUse(10, 0)).isEqualTo(DataKey.Use.GRANTED);
                KeyedCipher cipher = key.borrowCipher();
                try {
                    key.seal(cipher, new byte[12], 0, 12).doFinal(new byte[10]);
                } catch (java.security.GeneralSecurityException e) {
                    throw new AssertionError(e);
                }
                lent.add(cipher);
                key.returnCipher(cipher);
                key.release();
            });
        }
        for (Thread sealer : sealers) {
            sealer.start();
            sealer.join(10_000);
        }
        assertThat(lent).hasSize(3);
        assertThat(lent).allSatisfy(c -> assertThat(KeyResidue.of(c, original)).isNotEmpty());

        key.retire();
        assertThat(key.isDestroyed()).isTrue();
        assertThat(lent).allSatisfy(c -> assertThat(KeyResidue.of(c, original)).isEmpty());
        assertThat(KeyResidue.of(key, original)).isEmpty();
    }
}
