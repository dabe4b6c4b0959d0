package io.securefirehose;

import java.net.URI;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * A global AWS SDK execution interceptor, registered for the test class path in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}, as any library on a class path could:
 * while armed, it rewrites every SDK request to another scheme, host and port. It stands for anything that changes
 * a request's endpoint after the client was built; tests use it to prove that the HTTP layer refuses such requests.
 * Unarmed (the default, and after every test that arms it) it changes nothing.
 */
public final class RedirectingInterceptor implements ExecutionInterceptor {

    private static volatile @Nullable URI target;

    /**
     * Rewrites requests to {@code uri} until {@link #disarm()}.
     *
     * @param uri where requests should go
     */
    public static void arm(URI uri) {
        target = uri;
    }

    /** Stops rewriting. */
    public static void disarm() {
        target = null;
    }

    @Override
    public SdkHttpRequest modifyHttpRequest(
            Context.ModifyHttpRequest context, ExecutionAttributes executionAttributes) {
        URI to = target;
        SdkHttpRequest request = context.httpRequest();
        if (to == null) {
            return request;
        }
        return request.toBuilder()
                .protocol(to.getScheme())
                .host(to.getHost())
                .port(to.getPort())
                .build();
    }
}
