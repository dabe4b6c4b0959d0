/** AWS names and services: endpoints, KMS clients, service-error classification, backoff, the user agent. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.aws;

import org.jspecify.annotations.NullMarked;
