/** The security posture check of a delivery stream's configuration; see {@code docs/security.md}. */
@NullMarked
package io.securefirehose.posture;

import org.jspecify.annotations.NullMarked;
