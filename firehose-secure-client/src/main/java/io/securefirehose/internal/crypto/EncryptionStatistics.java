package io.securefirehose.internal.crypto;

import static org.apiguardian.api.API.Status.INTERNAL;

import org.apiguardian.api.API;

/**
 * Counters of client-side envelope encryption, read when meters are published. Implemented by the record encryptor;
 * every method is cheap and thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public interface EncryptionStatistics {
    /** @return KMS {@code GenerateDataKey} calls made */
    long kmsCalls();

    /** @return KMS {@code GenerateDataKey} calls that failed */
    long kmsFailures();

    /** @return data keys obtained */
    long dataKeysGenerated();

    /** @return records sealed */
    long sealedRecords();

    /** @return nanoseconds spent sealing records, in total */
    long encryptNanos();

    /** @return bytes the frames added to the plaintexts, in total */
    long overheadBytes();

    /** @return records waiting for a data key now */
    long waitingRecords();
}
