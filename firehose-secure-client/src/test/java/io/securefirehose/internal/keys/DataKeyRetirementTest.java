package io.securefirehose.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/**
 * A retired data key is wiped only after its last user released it, so no record is ever sealed with a wiped
 * (all-zero) key: first the exact interleaving, step by step, then the same rule under a bounded race between
 * sealing threads and the retiring thread.
 */
class DataKeyRetirementTest {

    private static final byte[] PLAINTEXT = "a record".getBytes(StandardCharsets.UTF_8);

    private static byte[] material(int seed) {
        byte[] key = new byte[32];
        Arrays.fill(key, (byte) (seed | 1));
        return key;
    }

    /** Seals one record under the key, as the encryptor does: borrow, seal, return; the caller released or not. */
    private static byte[] sealOne(DataKey key, byte[] nonce) throws GeneralSecurityException {
        KeyedCipher cipher = key.borrowCipher();
        try {
            return key.seal(cipher, nonce, 0, nonce.length).doFinal(PLAINTEXT);
        } finally {
            key.returnCipher(cipher);
        }
    }

    private static boolean opensWith(byte[] key, byte[] nonce, byte[] sealed) {
        try {
            Cipher open = Cipher.getInstance("AES/GCM/NoPadding");
            open.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            return Arrays.equals(open.doFinal(sealed), PLAINTEXT);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    @Test
    void aKeyRetiredWhileInUseIsWipedAtTheLastReleaseNotBefore() throws Exception {
        byte[] original = material(7);
        DataKey key = new DataKey(original.clone(), new byte[] {1}, "arn", 0, 100, 1_000_000, Long.MAX_VALUE);
        byte[] nonce = new byte[12];

        assertThat(key.tryUse(PLAINTEXT.length, 0)).isEqualTo(DataKey.Use.GRANTED);
        assertThat(key.tryUse(PLAINTEXT.length, 0)).isEqualTo(DataKey.Use.GRANTED);
        key.retire();
        assertThat(key.isDestroyed())
                .as("retired with two users: not wiped yet")
                .isFalse();
        assertThat(key.tryUse(PLAINTEXT.length, 0))
                .as("no new user once retired")
                .isEqualTo(DataKey.Use.RETIRED);

        assertThat(opensWith(original, nonce, sealOne(key, nonce))).isTrue();
        key.release();
        assertThat(key.isDestroyed()).as("one user left").isFalse();
        nonce[0] = 1;
        assertThat(opensWith(original, nonce, sealOne(key, nonce))).isTrue();
        key.release();

        assertThat(key.isDestroyed()).isTrue();
        assertThat(KeyResidue.of(key, original)).isEmpty();
    }

    @Test
    void aKeyRetiredWithNoUserIsWipedAtOnceAndRetiringAgainChangesNothing() {
        byte[] original = material(9);
        DataKey key = new DataKey(original.clone(), new byte[] {1}, "arn", 0, 100, 1_000_000, Long.MAX_VALUE);

        key.retire();
        key.retire();

        assertThat(key.isDestroyed()).isTrue();
        assertThat(key.tryUse(PLAINTEXT.length, 0)).isEqualTo(DataKey.Use.RETIRED);
        assertThat(KeyResidue.of(key, original)).isEmpty();
    }

    @Test
    void underARaceBetweenSealingAndRetiringEverySealedRecordOpensWithTheRealKey() throws Exception {
        int rounds = 60;
        int sealers = 3;
        ExecutorService threads = Executors.newFixedThreadPool(sealers + 1);
        try {
            for (int round = 0; round < rounds; round++) {
                byte[] original = material(round);
                DataKey key = new DataKey(
                        original.clone(), new byte[] {1}, "arn", 0, 1_000_000, 1_000_000_000, Long.MAX_VALUE);
                CyclicBarrier start = new CyclicBarrier(sealers + 1);
                CountDownLatch retired = new CountDownLatch(1);
                List<Future<List<byte[][]>>> sealed = new ArrayList<>();
                for (int t = 0; t < sealers; t++) {
                    int thread = t;
                    sealed.add(threads.submit(() -> {
                        List<byte[][]> mine = new ArrayList<>();
                        start.await(10, TimeUnit.SECONDS);
                        // Until the key is retired, and a bounded number of times in any case.
                        for (int i = 0; i < 10_000 && (retired.getCount() > 0 || i < 50); i++) {
                            if (key.tryUse(PLAINTEXT.length, 0) != DataKey.Use.GRANTED) {
                                continue;
                            }
                            try {
                                byte[] nonce = new byte[12];
                                nonce[0] = (byte) thread;
                                nonce[4] = (byte) (i >>> 8);
                                nonce[5] = (byte) i;
                                mine.add(new byte[][] {nonce, sealOne(key, nonce)});
                            } finally {
                                key.release();
                            }
                        }
                        return mine;
                    }));
                }
                Future<?> retirer = threads.submit(() -> {
                    start.await(10, TimeUnit.SECONDS);
                    Thread.yield();
                    key.retire();
                    retired.countDown();
                    return null;
                });
                retirer.get(30, TimeUnit.SECONDS);
                for (Future<List<byte[][]>> each : sealed) {
                    for (byte[][] record : each.get(30, TimeUnit.SECONDS)) {
                        assertThat(opensWith(original, record[0], record[1]))
                                .as(
                                        "round %d: a record sealed with something other than the real key (opens with zeros: %s, nonce %s)",
                                        round,
                                        opensWith(new byte[32], record[0], record[1]),
                                        java.util.HexFormat.of().formatHex(record[0]))
                                .isTrue();
                    }
                }
                assertThat(key.isDestroyed())
                        .as("round %d: wiped once every user released it", round)
                        .isTrue();
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
