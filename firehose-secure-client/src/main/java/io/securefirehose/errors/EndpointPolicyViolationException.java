package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The endpoint's addresses do not meet the address rules: at build time a resolved address lies outside the
 * allowed ranges, or later a connection was about to go to an address that was not verified and pinned at build
 * time (a DNS answer that changed). Nothing was sent to that address. Thrown by {@code build()}, and the failure
 * of the affected records' futures.
 *
 * <p>Not retriable: fix DNS or the allowed ranges, and build the producer again.
 */
@API(status = STABLE, since = "0.1.0")
public final class EndpointPolicyViolationException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message which endpoint, which addresses, which ranges, and how to fix it
     */
    public EndpointPolicyViolationException(String message) {
        super(message, null, false);
    }
}
