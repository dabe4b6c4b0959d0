package io.securefirehose.internal.identity;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.internal.aws.ServiceFailureReporter;
import io.securefirehose.time.ManualScheduler;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.model.Credentials;

/**
 * A session whose scope widens (a client's role, renewed when a stream opens) on a hand-moved clock, with STS
 * answering when the test says: a renewal replaces the refresh scheduled before it, so however many times the
 * scope widened the session is refreshed once per lifetime; a scope that widened while a call was on its way is
 * asked for as soon as that call is answered.
 */
class AssumedRoleCredentialsRenewalTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<CompletableFuture<Credentials>> calls = new CopyOnWriteArrayList<>();
    private final AtomicInteger scope = new AtomicInteger();
    private final AssumedRoleCredentials session = new AssumedRoleCredentials(
            "AssumeRole",
            "arn:aws:iam::111122223333:role/fleet",
            Duration.ofMinutes(5),
            () -> {
                CompletableFuture<Credentials> call = new CompletableFuture<>();
                calls.add(call);
                return call;
            },
            scheduler,
            error -> error,
            ServiceFailureReporter.Calls.NONE,
            () -> {},
            scope::get);

    @AfterEach
    void stop() {
        session.close();
        scheduler.close();
    }

    /** STS answers call {@code index} with a session of one hour from the scheduler's clock. */
    private void answer(int index) {
        calls.get(index)
                .complete(Credentials.builder()
                        .accessKeyId("ASIAEXAMPLE" + index)
                        .secretAccessKey("secret")
                        .sessionToken("token")
                        .expiration(scheduler.wallClock().instant().plus(Duration.ofHours(1)))
                        .build());
        runDue();
    }

    /** Runs what is due now: a refresh is scheduled with no delay, not run in place. */
    private void runDue() {
        scheduler.advance(Duration.ZERO);
        scheduler.awaitIdle();
    }

    private void widenAndRenew() {
        scope.incrementAndGet();
        session.renew();
        runDue();
    }

    @Test
    void aRenewalReplacesTheRefreshScheduledBeforeItSoTheSessionIsRefreshedOncePerLifetime() {
        session.start();
        runDue();
        answer(0);
        scheduler.advance(Duration.ofMinutes(10));
        widenAndRenew();
        answer(1);
        scheduler.advance(Duration.ofMinutes(10));
        widenAndRenew();
        answer(2);
        assertThat(calls).hasSize(3);
        assertThat(session.covers(2)).isTrue();

        // Two lifetimes after the last renewal: refreshed at 55 and 110 minutes, once each.
        for (int step = 0; step < 24; step++) {
            scheduler.advance(Duration.ofMinutes(5));
            runDue();
            for (int i = 0; i < calls.size(); i++) {
                if (!calls.get(i).isDone()) {
                    answer(i);
                }
            }
        }

        assertThat(calls).hasSize(5);
    }

    @Test
    void aScopeThatWidenedWhileACallWasOnItsWayIsAskedForAsSoonAsThatCallIsAnswered() {
        session.start();
        runDue();
        assertThat(calls).hasSize(1);

        widenAndRenew();

        assertThat(calls).as("no second call while the first is on its way").hasSize(1);
        answer(0);
        assertThat(session.covers(0)).isTrue();
        assertThat(session.covers(1))
                .as("the first call was made for the narrower scope")
                .isFalse();
        assertThat(calls).hasSize(2);
        answer(1);
        assertThat(session.covers(1)).isTrue();
        assertThat(session.closedBecause()).isNull();
    }
}
