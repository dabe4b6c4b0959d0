/** The producer's clock and serial task runner, replaceable in tests so that time can be moved by hand. */
@NullMarked
package io.securefirehose.time;

import org.jspecify.annotations.NullMarked;
