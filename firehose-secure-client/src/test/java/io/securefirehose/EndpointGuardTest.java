package io.securefirehose;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.credentials.AssumeRole;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.crypto.KmsDataKeyDecrypter;
import io.securefirehose.errors.EndpointPolicyViolationException;
import io.securefirehose.posture.SecurityPosture;
import io.securefirehose.testkit.LocalFirehose;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP layer's own rule, proved per client: a request whose endpoint was changed after the client was built (here
 * by a global SDK execution interceptor on the class path, {@link RedirectingInterceptor}) is refused before a
 * connection opens when it is not https, or not to the client's endpoint. The listener it was redirected to receives
 * nothing, and the failure names the rule. The lean Firehose path, which uses no SDK interceptors, is proved in
 * {@code internal.LeanBatchTransportTest}.
 */
class EndpointGuardTest {

    @RegisterExtension
    final TestResources resources = new TestResources();

    private final PlainListener listener = PlainListener.start();
    private final LocalFirehose server = EveryClient.server().start();

    @AfterEach
    void disarmAndClose() throws Exception {
        RedirectingInterceptor.disarm();
        listener.close();
        server.close();
    }

    private SecureFirehoseProducer producer(UnaryOperator<ProducerBuilder> settings) {
        SecureFirehoseProducer producer = settings.apply(TestResources.producerFor(server, EveryClient.STREAM)
                        .linger(Duration.ZERO)
                        .requestTimeout(Duration.ofSeconds(5))
                        .deliveryTimeout(Duration.ofSeconds(5)))
                .build();
        resources.add(() -> producer.close(Duration.ZERO));
        return producer;
    }

    private Throwable failureOfOneRecord(SecureFirehoseProducer producer) {
        return catchThrowable(() -> producer.send("redirected".getBytes(UTF_8)).get(30, TimeUnit.SECONDS));
    }

    private void assertRefusedBeforeConnecting(Throwable failure, String rule) {
        Throwable refusal = failure;
        while (!(refusal instanceof EndpointPolicyViolationException) && refusal.getCause() != null) {
            refusal = refusal.getCause();
        }
        assertThat(refusal)
                .as("the failure or one of its causes")
                .isInstanceOf(EndpointPolicyViolationException.class)
                .hasMessageContaining("before connecting")
                .hasMessageContaining(rule);
        assertThat(listener.bytesReceived()).isZero();
        assertThat(listener.firstBytes()).isEmpty();
        assertThat(server.records(EveryClient.STREAM)).isEmpty();
    }

    @Test
    void theSdkClientPathRefusesAPlainHttpRequestAndCountsASecurityEvent() {
        SecureFirehoseProducer producer = producer(b -> b.requestPath(RequestPath.SDK_CLIENT));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        producer.metrics().bindTo(registry);
        RedirectingInterceptor.arm(listener.httpUri());

        Throwable failure = failureOfOneRecord(producer);

        assertRefusedBeforeConnecting(failure, "only https:// requests are sent; the scheme was http");
        assertThat(failure.getCause()).isInstanceOf(EndpointPolicyViolationException.class);
        assertThat(registry.get("firehose.producer.security.events")
                        .tag("event", "request_refused")
                        .functionCounter()
                        .count())
                .isEqualTo(1.0);
    }

    @Test
    void theSdkClientPathRefusesAnHttpsRequestToAnotherHost() {
        SecureFirehoseProducer producer = producer(b -> b.requestPath(RequestPath.SDK_CLIENT));
        RedirectingInterceptor.arm(URI.create("https://127.0.0.1:" + listener.port()));

        assertRefusedBeforeConnecting(
                failureOfOneRecord(producer), "requests go only to the endpoint the client was built for, localhost");
    }

    @Test
    void stsRefusesAPlainHttpRequest() {
        RedirectingInterceptor.arm(listener.httpUri());
        SecureFirehoseProducer producer = producer(b -> b.assumeRole(
                AssumeRole.role(EveryClient.ROLE).stsEndpoint(server.endpoint()).build()));

        Throwable failure = failureOfOneRecord(producer);

        assertRefusedBeforeConnecting(failure, "only https:// requests are sent");
        assertThat(server.assumeRoleRequests()).isEmpty();
    }

    @Test
    void kmsForEncryptionRefusesAPlainHttpRequest() {
        RedirectingInterceptor.arm(listener.httpUri());
        SecureFirehoseProducer producer =
                producer(b -> b.envelopeEncryption(EnvelopeEncryption.withKmsKey(server.kmsKeyArn(EveryClient.KEY_ID))
                        .streamArn(server.streamArn(EveryClient.STREAM))
                        .kmsEndpoint(server.endpoint())
                        .build()));

        Throwable failure = failureOfOneRecord(producer);

        assertRefusedBeforeConnecting(failure, "only https:// requests are sent");
        assertThat(server.kmsRequests()).isEmpty();
    }

    @Test
    void kmsForTheDecrypterRefusesAPlainHttpRequest() {
        KmsDataKeyDecrypter kms =
                resources.add(TestResources.kmsDecrypterFor(server).build());
        RedirectingInterceptor.arm(listener.httpUri());

        Throwable failure = catchThrowable(() -> kms.decrypt(new byte[32], Map.of("aws:firehose:arn", "arn")));

        assertRefusedBeforeConnecting(failure, "only https:// requests are sent");
        assertThat(server.kmsRequests()).isEmpty();
    }

    @Test
    void thePostureDescriberRefusesAPlainHttpRequest() {
        RedirectingInterceptor.arm(listener.httpUri());

        Throwable failure = catchThrowable(() -> SecurityPosture.check(
                TestResources.producerFor(server, EveryClient.STREAM).buildConfig()));

        assertRefusedBeforeConnecting(failure, "only https:// requests are sent");
        assertThat(failure).isInstanceOf(EndpointPolicyViolationException.class);
        assertThat(server.requests()).isEmpty();
    }
}
