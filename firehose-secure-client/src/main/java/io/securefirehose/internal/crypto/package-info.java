/** Client-side envelope encryption on the send path: data-key sources and the record encryptor. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.crypto;

import org.jspecify.annotations.NullMarked;
