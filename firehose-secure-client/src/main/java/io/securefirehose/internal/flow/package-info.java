/**
 * Flow control of the send path: the buffer memory that bounds accepted records and makes senders wait (the
 * back-pressure), and the adaptive send rate that backs off when Firehose throttles. Uses no other internal
 * package. Not public API: may change in any release.
 */
@NullMarked
package io.securefirehose.internal.flow;

import org.jspecify.annotations.NullMarked;
