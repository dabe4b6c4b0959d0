/** Runnable examples of firehose-secure. */
package io.securefirehose.samples;
