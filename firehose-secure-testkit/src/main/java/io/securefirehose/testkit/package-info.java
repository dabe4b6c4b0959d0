/** LocalFirehose: a local, HTTPS, SigV4-checking Firehose endpoint for tests, samples and benchmarks. */
@NullMarked
package io.securefirehose.testkit;

import org.jspecify.annotations.NullMarked;
