/** Text helpers safe for untrusted input: JSON strings, printable escapes for messages and logs. Uses no other internal package. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.text;

import org.jspecify.annotations.NullMarked;
