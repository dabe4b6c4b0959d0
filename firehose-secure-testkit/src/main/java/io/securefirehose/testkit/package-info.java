/** LocalFirehose: a local, HTTPS, SigV4-checking Firehose endpoint for tests, samples and benchmarks. */
package io.securefirehose.testkit;
