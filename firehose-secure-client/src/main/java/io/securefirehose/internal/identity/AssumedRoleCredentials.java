package io.securefirehose.internal.identity;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.FirehoseSecureException;
import io.securefirehose.internal.aws.RetryBackoff;
import io.securefirehose.internal.aws.ServiceAnswer;
import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.time.TaskScheduler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * Credentials of an assumed role, fetched and refreshed in the background on the producer's scheduler, so that
 * signing never waits for STS: {@link #resolveCredentials()} only reads what is there.
 *
 * <ul>
 *   <li>A refresh is scheduled {@code refreshBefore} ahead of expiry. While STS fails, the current credentials
 *       stay in use until they expire; failures are logged and counted and retried with backoff.
 *   <li>Without valid credentials, signing throws a retriable {@link CredentialsUnavailableException}: records wait
 *       within {@code deliveryTimeout}. A refusal that will repeat (access denied, invalid role, bad policy) makes
 *       it non-retriable, so records fail at once with STS's answer.
 * </ul>
 */
@API(status = INTERNAL, since = "0.1.0")
public final class AssumedRoleCredentials implements AwsCredentialsProvider, RenewableSession, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.CREDENTIALS);

    /** A session, and the version of the scope (the streams its policy names) it was asked for with. */
    private record Session(AwsSessionCredentials credentials, Instant expiration, int scope) {}

    private final String action;
    private final String roleArn;
    private final Duration refreshBefore;
    private final Supplier<CompletableFuture<Credentials>> issue;
    private final TaskScheduler scheduler;
    private final Clock clock;
    private final RetryBackoff backoff = new RetryBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
    private final LongAdder failures = new LongAdder();
    private final AutoCloseable onClose;
    private final IntSupplier scopeVersion;
    /** Only the refresh scheduled last runs: a renewal makes the one scheduled before it stale. */
    private final AtomicInteger refreshEpoch = new AtomicInteger();

    private final AtomicBoolean asking = new AtomicBoolean();
    private final UnaryOperator<Throwable> translate;
    private final ServiceFailureReporter.Calls failedCalls;
    private final CompletableFuture<Void> firstAnswer = new CompletableFuture<>();
    private final List<Runnable> openListeners = new CopyOnWriteArrayList<>();
    private volatile @Nullable Session current;
    private volatile @Nullable CredentialsUnavailableException lastFailure;
    private volatile boolean permanent;
    private volatile boolean closed;
    private int consecutiveFailures; // scheduler thread only

    /**
     * @param action the STS action, for messages ({@code AssumeRole}, {@code AssumeRoleWithWebIdentity})
     * @param roleArn the role, for messages
     * @param refreshBefore how long before expiry a session is renewed
     * @param issue one STS call for a session; called on the scheduler thread, may complete on any
     * @param scheduler where refreshes run
     * @param translate turns a refused connection into its typed exception
     * @param failedCalls where each failed call is reported
     * @param onClose releases the STS client
     * @param scopeVersion the version of what {@code issue} asks for now, which only grows: a client's role names
     *     every stream the client opened; {@code () -> 0} for a session whose policy never changes
     */
    AssumedRoleCredentials(
            String action,
            String roleArn,
            Duration refreshBefore,
            Supplier<CompletableFuture<Credentials>> issue,
            TaskScheduler scheduler,
            UnaryOperator<Throwable> translate,
            ServiceFailureReporter.Calls failedCalls,
            AutoCloseable onClose,
            IntSupplier scopeVersion) {
        this.action = action;
        this.roleArn = roleArn;
        this.refreshBefore = refreshBefore;
        this.issue = issue;
        this.translate = translate;
        this.failedCalls = failedCalls;
        this.scheduler = scheduler;
        this.clock = scheduler.wallClock();
        this.onClose = onClose;
        this.scopeVersion = scopeVersion;
    }

    /** Asks STS for the first session, in the background. */
    public void start() {
        scheduleRefresh(0);
    }

    /**
     * Asks STS for a session for the current scope now, unless a call is already on its way (its answer is then
     * followed by one for the scope as it is by then). Sessions issued before keep signing until then.
     */
    public void renew() {
        if (!asking.get()) {
            scheduleRefresh(0);
        }
    }

    @Override
    public boolean covers(int scope) {
        Session session = current;
        return session != null && session.scope() >= scope;
    }

    @Override
    public String roleArn() {
        return roleArn;
    }

    @Override
    public AwsCredentials resolveCredentials() {
        Session session = current;
        if (session != null && clock.instant().isBefore(session.expiration())) {
            return session.credentials();
        }
        throw unavailable(session);
    }

    @Override
    public @Nullable CredentialsUnavailableException closedBecause() {
        Session session = current;
        if (permanent || (session != null && clock.instant().isBefore(session.expiration()))) {
            return null;
        }
        return unavailable(session);
    }

    @Override
    public void onOpen(Runnable listener) {
        openListeners.add(listener);
    }

    @Override
    public void removeOnOpen(Runnable listener) {
        openListeners.remove(listener);
    }

    private void opened() {
        for (Runnable listener : openListeners) {
            listener.run();
        }
    }

    private CredentialsUnavailableException unavailable(@Nullable Session session) {
        CredentialsUnavailableException failure = lastFailure;
        String why = session == null
                ? "no session for role " + roleArn + " yet"
                : "the session for role " + roleArn + " expired at " + session.expiration();
        return new CredentialsUnavailableException(
                why + (failure == null ? "; STS has not answered yet" : "; STS: " + failure.getMessage()),
                !permanent,
                failure == null ? null : failure.getCause());
    }

    /** @return refresh attempts that failed so far */
    public long failures() {
        return failures.sum();
    }

    // The handler settles every outcome itself; the future it returns has nothing left to report.
    @SuppressWarnings("FutureReturnValueIgnored")
    private void refresh() {
        if (closed || !asking.compareAndSet(false, true)) {
            return;
        }
        int scope = scopeVersion.getAsInt();
        CompletableFuture<Credentials> call;
        try {
            call = issue.get();
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e); // the token file could not be read, for example
        }
        call.whenComplete((issued, error) -> {
            asking.set(false);
            if (error == null) {
                onSession(new Session(
                        AwsSessionCredentials.create(
                                issued.accessKeyId(), issued.secretAccessKey(), issued.sessionToken()),
                        issued.expiration(),
                        scope));
            } else {
                onFailure(translate.apply(error));
            }
        });
    }

    /** @return completes when STS answered the first time: with a session, or with a refusal that repeats */
    public CompletableFuture<Void> firstAnswer() {
        return firstAnswer;
    }

    private void onSession(Session session) {
        current = session;
        firstAnswer.complete(null);
        lastFailure = null;
        permanent = false;
        consecutiveFailures = 0;
        Duration untilRefresh =
                Duration.between(clock.instant(), session.expiration().minus(refreshBefore));
        LOG.debug("{} of {}: a session until {}", action, roleArn, session.expiration());
        // A scope that grew while the call was on its way is asked for at once.
        scheduleRefresh(session.scope() < scopeVersion.getAsInt() ? 0 : Math.max(0, untilRefresh.toNanos()));
        opened();
    }

    private void onFailure(Throwable error) {
        failures.increment();
        ServiceAnswer answer = ServiceAnswer.of(error);
        Throwable cause = answer.cause();
        String code = answer.code();
        boolean isPermanent = answer.isPermanent(ServiceAnswer.PERMANENT_STS_ERRORS);
        boolean refusedForGood = isPermanent && current == null;
        CredentialsUnavailableException failure = new CredentialsUnavailableException(
                action + " of " + roleArn + " failed with " + code + ": " + cause.getMessage()
                        + (cause instanceof FirehoseSecureException
                                ? ""
                                : isPermanent
                                        ? " (check the role's trust policy, the external id and the session duration)"
                                        : " (retrying with backoff)"),
                !refusedForGood,
                cause);
        lastFailure = failure;
        // Set after the failure it reports: a thread that sees it reads that failure.
        permanent = refusedForGood;
        failedCalls.report(action, code, failure, refusedForGood);
        if (refusedForGood) {
            firstAnswer.complete(null);
            opened(); // so that what waits fails at once with STS's refusal
        }
        LOG.warn(
                "{} of {} failed with {}; {}",
                action,
                roleArn,
                code,
                current == null ? "no credentials yet" : "keeping the current credentials until they expire");
        consecutiveFailures++;
        long delayMillis = backoff.delayMillis(consecutiveFailures);
        scheduleRefresh(TimeUnit.MILLISECONDS.toNanos(delayMillis));
    }

    private void scheduleRefresh(long delayNanos) {
        int epoch = refreshEpoch.incrementAndGet();
        submit(
                () -> {
                    if (epoch == refreshEpoch.get()) {
                        refresh();
                    }
                },
                delayNanos);
    }

    private void submit(Runnable task, long delayNanos) {
        if (closed) {
            return;
        }
        try {
            scheduler.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException shuttingDown) {
            // The producer is closing.
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            onClose.close();
        } catch (Exception e) {
            LOG.warn("closing the STS client failed: {}", e.toString());
        }
    }

    /**
     * Starts the STS sessions: the web identity first, and the role once the web identity answered (it signs the
     * role's {@code AssumeRole}, which would otherwise fail and back off while the first token exchange runs).
     */
    // thenRun's future only runs start(), which reports through the sessions themselves.
    @SuppressWarnings("FutureReturnValueIgnored")
    public static void startSessions(@Nullable AssumedRoleCredentials identity, @Nullable AssumedRoleCredentials role) {
        if (identity != null) {
            identity.start();
        }
        if (role != null) {
            if (identity == null) {
                role.start();
            } else {
                identity.firstAnswer().thenRun(role::start);
            }
        }
    }

    /** Closes the role's session, then the web identity's, even when the first close throws. */
    public static void closeAll(@Nullable AssumedRoleCredentials role, @Nullable AssumedRoleCredentials identity) {
        try {
            if (role != null) {
                role.close();
            }
        } finally {
            if (identity != null) {
                identity.close();
            }
        }
    }
}
