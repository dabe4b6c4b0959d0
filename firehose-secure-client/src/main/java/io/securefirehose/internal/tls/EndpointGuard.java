package io.securefirehose.internal.tls;

import io.securefirehose.errors.EndpointPolicyViolationException;
import java.net.URI;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;

/**
 * The last line of the endpoint rules, in the HTTP layer itself: a request whose scheme is not {@code https}, or
 * whose host or port is not the endpoint the client was built for, is refused before a connection is opened or
 * taken from the pool. Whatever produced such a request (an SDK endpoint-override source, a global execution
 * interceptor on the class path, a bug of ours) cannot make the client send a byte in clear text or to an address
 * that was never verified. Each refusal is a security event. Thread-safe.
 */
final class EndpointGuard implements SdkAsyncHttpClient {

    private final SdkAsyncHttpClient delegate;
    private final String host;
    private final int port;
    private final SecurityEvents events;

    /**
     * @param delegate the client that opens connections
     * @param endpoint the only endpoint requests may go to ({@code https://host[:port]})
     * @param events where refusals are reported
     */
    EndpointGuard(SdkAsyncHttpClient delegate, URI endpoint, SecurityEvents events) {
        this.delegate = delegate;
        this.host = endpoint.getHost().toLowerCase(Locale.ROOT);
        this.port = endpoint.getPort() == -1 ? 443 : endpoint.getPort();
        this.events = events;
    }

    @Override
    public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
        SdkHttpRequest http = request.request();
        String scheme = http.protocol().toLowerCase(Locale.ROOT);
        String target = scheme + "://" + http.host() + ":" + http.port();
        String rule;
        if (!"https".equals(scheme)) {
            rule = "only https:// requests are sent; the scheme was " + scheme;
        } else if (!host.equals(http.host().toLowerCase(Locale.ROOT)) || port != http.port()) {
            rule = "requests go only to the endpoint the client was built for, " + host + ":" + port;
        } else {
            return delegate.execute(request);
        }
        events.requestRefused(target, rule);
        EndpointPolicyViolationException refusal = new EndpointPolicyViolationException("refused a request to "
                + target + " before connecting: " + rule + ". Something changed the request's endpoint after the"
                + " client was built (an endpoint-override setting or a global SDK execution interceptor): remove it,"
                + " and configure endpoints only through this SDK's builders");
        request.responseHandler().onError(refusal);
        return CompletableFuture.failedFuture(refusal);
    }

    @Override
    public String clientName() {
        return delegate.clientName();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
