/** Secret key material held and wiped: the keyed AES-GCM cipher, data keys, the KMS response's plaintext copy. Uses no other internal package. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.keys;

import org.jspecify.annotations.NullMarked;
