package io.securefirehose.internal.keys;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import org.apiguardian.api.API;

/**
 * One data key in use by the producer: the plaintext key (ours alone; wiped when retired and no encryption uses
 * it any more), the ciphers it lends to sealing threads (made to forget it when it is wiped), the frame prefix
 * every record under it starts with, and the counters that enforce its limits.
 *
 * <p>Thread-safe. Callers {@link #tryUse} before sealing and {@link #release} after, borrowing a cipher in between;
 * a retired key is wiped only once its last user released it, so no record is ever sealed with a wiped (all-zero)
 * key, and every cipher it lent is back in its pool by then.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class DataKey {

    /** What {@link #tryUse} found. */
    public enum Use {
        GRANTED,
        EXHAUSTED,
        EXPIRED,
        RETIRED
    }

    private final byte[] key;
    private final byte[] framePrefix;
    private final String keyArn;
    private final long createdNanos;
    private final long maxRecords;
    private final long maxBytes;
    private final long maxAgeNanos;
    private final AtomicLong records = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    // Users and the retired flag in one atomic value, so that "retired and no user left" is decided in one step: a
    // release that saw no retirement must not wipe later, after a new user has come.
    private static final int RETIRED = 1 << 30;
    private final AtomicInteger state = new AtomicInteger();
    private final AtomicBoolean wiped = new AtomicBoolean();
    // Ciphers initialised with this key, one per thread that sealed at once; they forget it when it is wiped.
    private final ConcurrentLinkedQueue<KeyedCipher> ciphers = new ConcurrentLinkedQueue<>();

    public DataKey(
            byte[] key,
            byte[] framePrefix,
            String keyArn,
            long createdNanos,
            long maxRecords,
            long maxBytes,
            long maxAgeNanos) {
        this.key = key;
        this.framePrefix = framePrefix;
        this.keyArn = keyArn;
        this.createdNanos = createdNanos;
        this.maxRecords = maxRecords;
        this.maxBytes = maxBytes;
        this.maxAgeNanos = maxAgeNanos;
    }

    /**
     * Claims one record of {@code plaintextBytes} under this key's limits. On {@link Use#GRANTED} the caller must
     * {@link #release()} when done sealing.
     */
    public Use tryUse(int plaintextBytes, long nowNanos) {
        if (nowNanos - createdNanos >= maxAgeNanos) {
            return Use.EXPIRED;
        }
        if ((state.incrementAndGet() & RETIRED) != 0) {
            release();
            return Use.RETIRED;
        }
        long count = records.incrementAndGet();
        long total = bytes.addAndGet(plaintextBytes);
        if (count > maxRecords || total > maxBytes) {
            // Over a limit: the claim is not granted. The counters stay over, so later claims fail fast too.
            release();
            return Use.EXHAUSTED;
        }
        return Use.GRANTED;
    }

    /** Ends a granted use. */
    public void release() {
        if (state.decrementAndGet() == RETIRED) {
            wipe();
        }
    }

    /** Takes the key out of service; it is wiped as soon as no one uses it. Idempotent. */
    public void retire() {
        if (state.getAndUpdate(users -> users | RETIRED) == 0) {
            wipe();
        }
    }

    private void wipe() {
        if (wiped.compareAndSet(false, true)) {
            Arrays.fill(key, (byte) 0);
            for (KeyedCipher cipher = ciphers.poll(); cipher != null; cipher = ciphers.poll()) {
                cipher.forget();
            }
        }
    }

    /**
     * Lends a cipher for one record, to be initialised with {@link #seal}; only between a granted {@link #tryUse}
     * and its {@link #release}, which gives it back.
     */
    public KeyedCipher borrowCipher() {
        KeyedCipher cipher = ciphers.poll();
        return cipher != null ? cipher : new KeyedCipher();
    }

    /** Takes a lent cipher back; called before {@link #release}, so the cipher is pooled when the key is wiped. */
    public void returnCipher(KeyedCipher cipher) {
        ciphers.offer(cipher);
    }

    /**
     * Initialises a borrowed cipher with this key for sealing one record.
     *
     * @return the initialised cipher
     */
    public Cipher seal(KeyedCipher cipher, byte[] nonce, int offset, int length) throws GeneralSecurityException {
        return cipher.init(Cipher.ENCRYPT_MODE, key, nonce, offset, length);
    }

    /** Whether a quarter or less of a limit is left: time to fetch the successor. */
    public boolean wantsSuccessor(long nowNanos) {
        return records.get() * 4 >= maxRecords * 3
                || bytes.get() >= maxBytes - maxBytes / 4
                || (nowNanos - createdNanos) * 4 >= maxAgeNanos * 3;
    }

    /** Whether a record of {@code plaintextBytes} could still be sealed now (no claim is made). */
    public boolean usable(int plaintextBytes, long nowNanos) {
        return (state.get() & RETIRED) == 0
                && nowNanos - createdNanos < maxAgeNanos
                && records.get() < maxRecords
                && bytes.get() + plaintextBytes <= maxBytes;
    }

    public long maxAgeNanos() {
        return maxAgeNanos;
    }

    public byte[] framePrefix() {
        return framePrefix;
    }

    public String keyArn() {
        return keyArn;
    }

    /** @return whether the key was wiped (retired, and no one uses it any more) */
    boolean isDestroyed() {
        return wiped.get();
    }

    @Override
    public String toString() {
        return "DataKey[" + keyArn + ", " + Math.min(records.get(), maxRecords) + " records]";
    }
}
