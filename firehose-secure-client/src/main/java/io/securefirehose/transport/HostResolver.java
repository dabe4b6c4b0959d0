package io.securefirehose.transport;

import static org.apiguardian.api.API.Status.STABLE;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Resolves an endpoint's host name to the addresses that are verified and pinned when the producer is built. The
 * default asks the JVM's resolver; tests and deployments with their own service discovery may supply another.
 *
 * <p>Called once, on the thread that calls {@code build()}.
 */
@API(status = STABLE, since = "0.1.0")
@FunctionalInterface
public interface HostResolver {

    /**
     * Resolves a host name.
     *
     * @param host the host name
     * @return every address of the host, at least one
     * @throws UnknownHostException if the name does not resolve
     */
    List<InetAddress> resolve(String host) throws UnknownHostException;

    /**
     * The JVM's resolver.
     *
     * @return a resolver that returns {@link InetAddress#getAllByName(String)}
     */
    static HostResolver system() {
        return host -> List.of(InetAddress.getAllByName(host));
    }
}
