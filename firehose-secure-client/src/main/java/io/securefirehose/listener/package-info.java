/**
 * {@link io.securefirehose.listener.ProducerListener}: the producer's calls, failures, throttling and security
 * refusals as events, for users who want their own telemetry; see {@code docs/producer.md#listener}.
 */
@NullMarked
package io.securefirehose.listener;

import org.jspecify.annotations.NullMarked;
