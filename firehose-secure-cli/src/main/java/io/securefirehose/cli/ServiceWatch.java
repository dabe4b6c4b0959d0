package io.securefirehose.cli;

import io.securefirehose.ServiceFailure;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.FirehoseSecureException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Watches a run's failed service calls (the producer's {@code serviceFailureListener}) and decides for the tool. The
 * first cause of trouble is shown as soon as it happens. A run ends at once when, before any record was
 * acknowledged, a call shows a setting that waiting cannot fix: STS, KMS or Firehose could not be reached (the name
 * does not resolve, the connection is refused, the TLS or address rules refuse it), or STS or KMS refused the
 * credentials, the role or the key. Otherwise the library's semantics stand: it retries, and records fail at their
 * delivery timeout. {@link #accept} runs on the producer's thread and only hands work to the callbacks given;
 * thread-safe.
 */
final class ServiceWatch implements Consumer<ServiceFailure> {

    /** Error codes with which a service refuses the caller's credentials or signature. */
    static final Set<String> CREDENTIAL_REFUSALS = Set.of(
            "AccessDenied",
            "AccessDeniedException",
            "ExpiredToken",
            "ExpiredTokenException",
            "IncompleteSignature",
            "IncompleteSignatureException",
            "InvalidClientTokenId",
            "InvalidSignatureException",
            "MissingAuthenticationToken",
            "SignatureDoesNotMatch",
            "UnrecognizedClientException");

    private final BooleanSupplier nothingAcknowledged;
    private final Consumer<String> firstCauseSeen;
    private final Consumer<String> runEnds;
    private final AtomicReference<@Nullable String> firstCause = new AtomicReference<>();
    private final AtomicReference<@Nullable String> endReason = new AtomicReference<>();

    /**
     * @param nothingAcknowledged whether no record has been acknowledged yet
     * @param firstCauseSeen called once, with a short description of the first failure
     * @param runEnds called once, with the line that explains why the run ends
     */
    ServiceWatch(BooleanSupplier nothingAcknowledged, Consumer<String> firstCauseSeen, Consumer<String> runEnds) {
        this.nothingAcknowledged = nothingAcknowledged;
        this.firstCauseSeen = firstCauseSeen;
        this.runEnds = runEnds;
    }

    @Override
    public void accept(ServiceFailure failure) {
        noteFirstCause(
                failure.service() + " " + failure.operation() + " at " + failure.endpoint() + ": " + failure.code());
        if (endsTheRun(failure) && nothingAcknowledged.getAsBoolean()) {
            String reason = reason(failure);
            if (endReason.compareAndSet(null, reason)) {
                runEnds.accept(reason);
            }
        }
    }

    /** Notes a record that failed, in case it is the first sign of trouble. */
    void recordFailed(Throwable failure) {
        noteFirstCause(FailureSummary.describe(failure));
    }

    private void noteFirstCause(String cause) {
        if (firstCause.compareAndSet(null, cause)) {
            firstCauseSeen.accept(cause);
        }
    }

    /** @return the first failure's short description, or {@code null} while there was none */
    @Nullable
    String firstCause() {
        return firstCause.get();
    }

    /** @return whether the run was ended */
    boolean ended() {
        return endReason.get() != null;
    }

    /** Whether the failure shows a setting that waiting cannot fix. */
    static boolean endsTheRun(ServiceFailure failure) {
        if (failure.service() == ServiceFailure.Service.FIREHOSE) {
            // A final Firehose answer fails its records at once already; an unreachable endpoint would be retried.
            return failure.unreachable() && !failure.permanent();
        }
        return failure.unreachable() || failure.permanent() || CREDENTIAL_REFUSALS.contains(failure.code());
    }

    /** The line that ends the run: the service, its endpoint, what happened and the flags that fix it. */
    static String reason(ServiceFailure failure) {
        String what = failure.unreachable() ? "could not be reached" : "refused " + failure.operation();
        return FlagNames.translate(failure.service() + " at " + failure.endpoint() + " " + what + " ("
                + failure.code() + ": " + detail(failure.error()) + "); " + fix(failure)
                + "; the run ends here, before the delivery timeout");
    }

    private static String fix(ServiceFailure failure) {
        boolean unreachable = failure.unreachable();
        return switch (failure.service()) {
            case FIREHOSE -> "check --endpoint or --vpc-endpoint (and --trust-pem, --allow-cidr)";
            case STS ->
                unreachable
                        ? "set --sts-endpoint to an STS endpoint this machine can reach (without it, the region's)"
                                + " and check --trust-pem and --allow-cidr"
                        : "check --role-arn, --external-id and the credentials in the environment";
            case KMS ->
                unreachable
                        ? "set --kms-endpoint to a KMS endpoint this machine can reach (without it, the region's)"
                                + " and check --trust-pem and --allow-cidr"
                        : "check --kms-key, the key's policy and the credentials in the environment";
        };
    }

    /**
     * What went wrong, without the producer's wrapping: a TLS or address refusal as it is, else the innermost
     * failure's message.
     */
    private static String detail(Throwable error) {
        Throwable innermost = error;
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof FirehoseSecureException secure
                    && !(t instanceof CredentialsUnavailableException)
                    && !(t instanceof EncryptionFailedException)) {
                return String.valueOf(secure.getMessage());
            }
            innermost = t;
        }
        String message = innermost.getMessage();
        return message == null ? innermost.getClass().getSimpleName() : message;
    }
}
