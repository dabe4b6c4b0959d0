/** The spill directory: private directory checks, segment format, writer and reader. Uses no other internal package. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.spill;

import org.jspecify.annotations.NullMarked;
