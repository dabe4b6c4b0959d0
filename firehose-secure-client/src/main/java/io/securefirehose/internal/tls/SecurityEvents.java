package io.securefirehose.internal.tls;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.listener.SecurityEvent;
import java.net.InetAddress;
import java.util.Set;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiConsumer;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Security events of one producer: logged on the dedicated {@code io.securefirehose.security} logger (so that
 * operators can route them to an audit sink), counted for the {@code firehose.producer.security.events} meter, and
 * handed to the producer's listener when it has one. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class SecurityEvents {

    private static final Logger SECURITY = LoggerFactory.getLogger(LoggerNames.SECURITY);

    private final LongAdder refusedAddresses = new LongAdder();
    private final LongAdder refusedRequests = new LongAdder();
    private final BiConsumer<SecurityEvent.Kind, String> listener;

    /** Events that are logged and counted only. */
    public SecurityEvents() {
        this((kind, detail) -> {});
    }

    /**
     * @param listener also told each event (which rule, and what the log says), on the thread that refused; it must
     *     return at once
     */
    public SecurityEvents(BiConsumer<SecurityEvent.Kind, String> listener) {
        this.listener = listener;
    }

    /** Records a connection refused because its address was not one of the pinned addresses. */
    void addressRefused(String host, InetAddress address, Set<InetAddress> pinned) {
        refusedAddresses.increment();
        SECURITY.warn(
                "refused connection to {} at {}: not one of the addresses verified and pinned at start {}",
                host,
                address.getHostAddress(),
                pinned);
        listener.accept(
                SecurityEvent.Kind.ADDRESS_REFUSED,
                "refused connection to " + host + " at " + address.getHostAddress()
                        + ": not one of the addresses verified and pinned at start " + pinned);
    }

    /** Records a request refused by the HTTP layer: not https, or not to the client's own endpoint. */
    void requestRefused(String target, String rule) {
        refusedRequests.increment();
        SECURITY.warn("refused a request to {} before connecting: {}", target, rule);
        listener.accept(
                SecurityEvent.Kind.REQUEST_REFUSED, "refused a request to " + target + " before connecting: " + rule);
    }

    /** @return connections refused because their address was not pinned */
    public long refusedAddresses() {
        return refusedAddresses.sum();
    }

    /** @return requests refused because their scheme was not https or their host not the client's endpoint */
    public long refusedRequests() {
        return refusedRequests.sum();
    }
}
