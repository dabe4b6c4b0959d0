/** Every exception the producer, the decryptor and the credentials code throw: {@link io.securefirehose.errors.FirehoseSecureException} and its subclasses, each saying what was seen, the rule and the fix. */
@NullMarked
package io.securefirehose.errors;

import org.jspecify.annotations.NullMarked;
