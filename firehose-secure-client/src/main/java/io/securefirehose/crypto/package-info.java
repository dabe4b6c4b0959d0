/**
 * Client-side envelope encryption: the settings ({@link io.securefirehose.crypto.EnvelopeEncryption}), the record
 * format ({@link io.securefirehose.crypto.EnvelopeFormat}) and the decryptor for what Firehose delivered
 * ({@link io.securefirehose.crypto.EnvelopeDecryptor}).
 */
@NullMarked
package io.securefirehose.crypto;

import org.jspecify.annotations.NullMarked;
