package io.securefirehose.listener;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * Something the producer refused because a security rule does not allow it, as {@link
 * ProducerListener#securityEvent} receives it. {@link Kind#ADDRESS_REFUSED} and {@link Kind#REQUEST_REFUSED} are also
 * logged on the {@code io.securefirehose.security} logger and counted in {@code firehose.producer.security.events}
 * (docs/metrics.md); the other kinds are a call's failure, which its records carry as their typed cause.
 *
 * @param deliveryStream the producer's delivery stream; {@code *} for a connection the streams of a
 *     {@code SecureFirehoseClient} share (its Firehose, STS or KMS endpoint)
 * @param kind which rule refused
 * @param detail what was seen and which rule it broke, as the log and the exception say it; never record data or a
 *     secret
 */
@API(status = EXPERIMENTAL, since = "0.1.0")
public record SecurityEvent(String deliveryStream, Kind kind, String detail) {

    /** The rules whose refusals are reported. */
    public enum Kind {
        /** A connection to an address that was not one of the addresses verified and pinned at build. */
        ADDRESS_REFUSED,
        /** A request that was not https, or not to the producer's own endpoint, refused before connecting. */
        REQUEST_REFUSED,
        /** A TLS peer outside the TLS policy: protocol, suite, certificate or host name. */
        TLS_POLICY_VIOLATION,
        /** An endpoint outside the endpoint policy (not private, not the pinned VPC endpoint). */
        ENDPOINT_POLICY_VIOLATION,
        /** A call that could not be signed: the producer's credentials could not be obtained or refreshed. */
        CREDENTIALS_UNAVAILABLE
    }

    /**
     * Checks that every component is present.
     *
     * @param deliveryStream the producer's delivery stream
     * @param kind which rule refused
     * @param detail what was seen
     */
    public SecurityEvent {
        Objects.requireNonNull(deliveryStream, "deliveryStream");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
    }
}
