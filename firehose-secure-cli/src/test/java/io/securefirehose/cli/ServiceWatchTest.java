package io.securefirehose.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.ServiceFailure;
import io.securefirehose.ServiceFailure.Service;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.TlsPolicyViolationException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Which failed calls end a run of {@code send}, and what the line that ends it says. */
class ServiceWatchTest {

    private static final URI KMS = URI.create("https://kms.eu-west-1.amazonaws.com");

    private static ServiceFailure failure(Service service, String code, Throwable error, boolean permanent) {
        return new ServiceFailure(service, "Op", KMS, code, error, permanent);
    }

    private static ServiceFailure unresolvableKms() {
        return failure(
                Service.KMS,
                "UnknownHostException",
                new EncryptionFailedException(
                        "no data key (retrying with backoff; records wait up to deliveryTimeout PT2M)",
                        true,
                        new IllegalStateException(
                                "Unable to execute HTTP request",
                                new UnknownHostException("kms.eu-west-1.amazonaws.com"))),
                false);
    }

    @Test
    void aServiceThatCannotBeReachedOrRefusesTheCallerEndsTheRun() {
        assertThat(ServiceWatch.endsTheRun(unresolvableKms())).isTrue();
        assertThat(ServiceWatch.endsTheRun(
                        failure(Service.STS, "ConnectException", new ConnectException("refused"), false)))
                .isTrue();
        assertThat(ServiceWatch.endsTheRun(
                        failure(Service.KMS, "InvalidSignatureException", new IllegalStateException("sig"), false)))
                .as("a refused signature is retried by the library, but waiting will not fix it")
                .isTrue();
        assertThat(ServiceWatch.endsTheRun(
                        failure(Service.STS, "AccessDenied", new IllegalStateException("denied"), true)))
                .isTrue();
        assertThat(ServiceWatch.endsTheRun(
                        failure(Service.FIREHOSE, "ConnectException", new ConnectException("refused"), false)))
                .isTrue();
    }

    @Test
    void aPassingTroubleOrAFinalFirehoseAnswerDoesNot() {
        assertThat(ServiceWatch.endsTheRun(
                        failure(Service.KMS, "ThrottlingException", new IllegalStateException("slow"), false)))
                .isFalse();
        assertThat(ServiceWatch.endsTheRun(
                        failure(Service.FIREHOSE, "ServiceUnavailableException", new IllegalStateException(), false)))
                .isFalse();
        TlsPolicyViolationException tls = new TlsPolicyViolationException("h:443", "none", "none", "weak", null);
        assertThat(ServiceWatch.endsTheRun(failure(Service.FIREHOSE, "TlsPolicyViolationException", tls, true)))
                .as("its records fail at once with the refusal")
                .isFalse();
    }

    @Test
    void theLineNamesTheServiceTheEndpointTheInnermostCauseAndTheFlag() {
        String line = ServiceWatch.reason(unresolvableKms());
        assertThat(line)
                .startsWith("KMS at https://kms.eu-west-1.amazonaws.com could not be reached (UnknownHostException:"
                        + " kms.eu-west-1.amazonaws.com); set --kms-endpoint")
                .doesNotContain("deliveryTimeout");
        TlsPolicyViolationException tls =
                new TlsPolicyViolationException("h:443", "none", "none", "the handshake failed", null);
        assertThat(ServiceWatch.reason(failure(
                        Service.STS, "TlsPolicyViolationException", new IllegalStateException("wrapped", tls), true)))
                .contains("(TlsPolicyViolationException: " + tls.getMessage() + ")")
                .contains("set --sts-endpoint");
    }

    @Test
    void theRunEndsOnceAndOnlyBeforeTheFirstAcknowledgementWhileTheFirstCauseIsShownOnce() {
        AtomicBoolean nothingAcknowledged = new AtomicBoolean(false);
        List<String> causes = new ArrayList<>();
        List<String> ends = new ArrayList<>();
        ServiceWatch watch = new ServiceWatch(nothingAcknowledged::get, causes::add, ends::add);

        watch.accept(unresolvableKms());
        assertThat(watch.ended())
                .as("records were acknowledged: the library retries")
                .isFalse();
        nothingAcknowledged.set(true);
        watch.accept(unresolvableKms());
        watch.accept(unresolvableKms());

        assertThat(watch.ended()).isTrue();
        assertThat(ends).hasSize(1);
        assertThat(causes).containsExactly("KMS Op at " + KMS + ": UnknownHostException");
        assertThat(watch.firstCause()).isEqualTo(causes.get(0));
    }
}
