/** Micrometer meters of the producer; see {@code docs/metrics.md}. */
@NullMarked
package io.securefirehose.metrics;

import org.jspecify.annotations.NullMarked;
