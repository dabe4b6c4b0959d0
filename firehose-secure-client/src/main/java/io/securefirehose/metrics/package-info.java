/** Micrometer meters of the producer; see {@code docs/metrics.md}. */
package io.securefirehose.metrics;
