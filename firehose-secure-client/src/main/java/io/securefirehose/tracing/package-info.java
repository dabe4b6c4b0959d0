/**
 * Tracing of {@code PutRecordBatch} calls: {@link io.securefirehose.tracing.OpenTelemetryTracing} makes a span per
 * call linked to the contexts records were sent in; see {@code docs/tracing.md}. The OpenTelemetry API is an optional
 * dependency: only {@code OpenTelemetryTracing} needs it.
 */
@NullMarked
package io.securefirehose.tracing;

import org.jspecify.annotations.NullMarked;
