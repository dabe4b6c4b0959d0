package io.securefirehose.testkit;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

/**
 * A bare HTTPS client for requests the AWS SDK would never send: tampered bodies, missing or stale signatures,
 * unknown operations. Signs with the SDK's signer, so only the deliberate change differs from a real request.
 */
final class RawClient {

    record Response(int status, String body) {}

    private final LocalFirehose server;
    private final String signingRegion;
    private final HttpClient http;

    RawClient(LocalFirehose server) throws Exception {
        this(server, server.region());
    }

    RawClient(LocalFirehose server, String signingRegion) throws Exception {
        this.server = server;
        this.signingRegion = signingRegion;
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(server.trustStore());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, trust.getTrustManagers(), null);
        this.http = HttpClient.newBuilder()
                .sslContext(tls)
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    /** Sends {@code headers} as given (the HTTP client itself sets Host and Content-Length). */
    Response postAsIs(Map<String, String> headers, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.endpoint().resolve("/"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach((name, value) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                request.header(name, value);
            }
        });
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(response.statusCode(), response.body());
    }

    Response post(String action, byte[] body) throws Exception {
        return post(action, body, body, Clock.systemUTC(), UnaryOperator.identity());
    }

    /** Signs {@code signedBody} at {@code signingClock}'s time, but sends {@code sentBody}. */
    Response post(
            String action,
            byte[] signedBody,
            byte[] sentBody,
            Clock signingClock,
            UnaryOperator<Map<String, List<String>>> editHeaders)
            throws Exception {
        URI uri = server.endpoint().resolve("/");
        SdkHttpRequest unsigned = SdkHttpRequest.builder()
                .method(SdkHttpMethod.POST)
                .uri(uri)
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", "Firehose_20150804." + action)
                .build();
        SdkHttpRequest signed = AwsV4HttpSigner.create()
                .sign(r -> r.identity(server.credentials())
                        .request(unsigned)
                        .payload(() -> new ByteArrayInputStream(signedBody))
                        .putProperty(AwsV4HttpSigner.REGION_NAME, signingRegion)
                        .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "firehose")
                        .putProperty(HttpSigner.SIGNING_CLOCK, signingClock))
                .request();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(sentBody));
        editHeaders.apply(new java.util.TreeMap<>(signed.headers())).forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<String> response =
                http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Response(response.statusCode(), response.body());
    }
}
