/** Public API of firehose-secure: {@link io.securefirehose.SecureFirehoseProducer}, its configuration, receipts and the exception hierarchy rooted at {@link io.securefirehose.errors.FirehoseSecureException}. */
@NullMarked
package io.securefirehose;

import org.jspecify.annotations.NullMarked;
