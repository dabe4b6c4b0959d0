package io.securefirehose.internal.keys;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * A data key's limits, exactly at their edges: records, plaintext bytes and age (the bounds that keep random GCM
 * nonces safe), when a successor is wanted, and what a retired key still allows.
 */
class DataKeyLimitsTest {

    private static DataKey key(long maxRecords, long maxBytes, long maxAgeNanos) {
        return new DataKey(
                new byte[32],
                new byte[] {1},
                "arn:aws:kms:eu-west-1:111122223333:key/k",
                0,
                maxRecords,
                maxBytes,
                maxAgeNanos);
    }

    private static void use(DataKey key, int bytes) {
        assertThat(key.tryUse(bytes, 0)).isEqualTo(DataKey.Use.GRANTED);
        key.release();
    }

    @Test
    void theLastRecordWithinTheRecordLimitIsGrantedAndTheNextIsNot() {
        DataKey key = key(4, 1_000, 1_000);
        for (int i = 0; i < 3; i++) {
            use(key, 1);
        }
        assertThat(key.usable(1, 0)).isTrue();
        use(key, 1);
        assertThat(key.usable(1, 0)).isFalse();
        assertThat(key.tryUse(1, 0)).isEqualTo(DataKey.Use.EXHAUSTED);
        assertThat(key.tryUse(1, 0)).as("the counters stay over").isEqualTo(DataKey.Use.EXHAUSTED);
    }

    @Test
    void plaintextUpToTheByteLimitIsGrantedAndOneByteMoreIsNot() {
        DataKey key = key(100, 100, 1_000);
        use(key, 60);
        assertThat(key.usable(40, 0)).isTrue();
        assertThat(key.usable(41, 0)).isFalse();
        use(key, 40);
        assertThat(key.tryUse(1, 0)).isEqualTo(DataKey.Use.EXHAUSTED);
    }

    @Test
    void aKeyExpiresExactlyAtItsMaximumAge() {
        DataKey key = key(100, 100, 1_000);
        assertThat(key.usable(1, 999)).isTrue();
        assertThat(key.tryUse(1, 999)).isEqualTo(DataKey.Use.GRANTED);
        key.release();
        assertThat(key.usable(1, 1_000)).isFalse();
        assertThat(key.tryUse(1, 1_000)).isEqualTo(DataKey.Use.EXPIRED);
        assertThat(key.maxAgeNanos()).isEqualTo(1_000);
    }

    @Test
    void aKeysAgeCountsFromItsCreationNotFromTheClocksOrigin() {
        DataKey key = new DataKey(
                new byte[32], new byte[] {1}, "arn:aws:kms:eu-west-1:111122223333:key/k", 5_000, 100, 100, 1_000);
        assertThat(key.usable(1, 5_999)).isTrue();
        assertThat(key.usable(1, 6_000)).isFalse();
        assertThat(key.wantsSuccessor(5_749)).isFalse();
        assertThat(key.wantsSuccessor(5_750)).isTrue();
    }

    @Test
    void aSuccessorIsWantedWhenAQuarterOfAnyLimitIsLeft() {
        DataKey byCount = key(4, 1_000, 1_000);
        use(byCount, 1);
        use(byCount, 1);
        assertThat(byCount.wantsSuccessor(0)).isFalse();
        use(byCount, 1);
        assertThat(byCount.wantsSuccessor(0)).isTrue();

        DataKey byBytes = key(100, 100, 1_000);
        use(byBytes, 74);
        assertThat(byBytes.wantsSuccessor(0)).isFalse();
        use(byBytes, 1);
        assertThat(byBytes.wantsSuccessor(0)).isTrue();

        DataKey byAge = key(100, 100, 1_000);
        assertThat(byAge.wantsSuccessor(749)).isFalse();
        assertThat(byAge.wantsSuccessor(750)).isTrue();
    }

    @Test
    void aRetiredKeyIsNoLongerUsableAndNamesOnlyItsArnAndCount() {
        DataKey key = key(100, 100, 1_000);
        use(key, 1);
        key.retire();
        assertThat(key.usable(1, 0)).isFalse();
        assertThat(key.keyArn()).isEqualTo("arn:aws:kms:eu-west-1:111122223333:key/k");
        assertThat(key).hasToString("DataKey[arn:aws:kms:eu-west-1:111122223333:key/k, 1 records]");
    }
}
