/** Least-privilege identity: IAM policy documents for the producer. */
@NullMarked
package io.securefirehose.credentials;

import org.jspecify.annotations.NullMarked;
