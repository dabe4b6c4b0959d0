/** Connections under the policy: the HTTP client factory, the TLS policy trust manager, address pinning, security events. Uses no other internal package. Not public API: may change in any release. */
@NullMarked
package io.securefirehose.internal.tls;

import org.jspecify.annotations.NullMarked;
