package io.securefirehose.internal.aws;

import static org.apiguardian.api.API.Status.INTERNAL;

import io.securefirehose.LoggerNames;
import io.securefirehose.ServiceFailure;
import io.securefirehose.time.TaskScheduler;
import java.net.URI;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each failed service call to the user's listener, on the producer's scheduler thread and in the order the
 * failures were reported, so the listener never runs on an I/O thread or on two threads at once. A listener that
 * throws is logged (its exception's type only) and called again for the next failure. Thread-safe.
 */
@API(status = INTERNAL, since = "0.1.0")
public final class ServiceFailureReporter {

    /** Reports to nobody. */
    public static final ServiceFailureReporter NONE = new ServiceFailureReporter(null, null);

    private static final Logger LOG = LoggerFactory.getLogger(LoggerNames.PRODUCER);

    private final @Nullable Consumer<? super ServiceFailure> listener;
    private final @Nullable TaskScheduler scheduler;

    private ServiceFailureReporter(
            @Nullable Consumer<? super ServiceFailure> listener, @Nullable TaskScheduler scheduler) {
        this.listener = listener;
        this.scheduler = scheduler;
    }

    /**
     * @param listener the user's listener, or {@code null} for none
     * @param scheduler the producer's scheduler, where the listener runs
     * @return a reporter to {@code listener}
     */
    public static ServiceFailureReporter to(
            @Nullable Consumer<? super ServiceFailure> listener, TaskScheduler scheduler) {
        return listener == null ? NONE : new ServiceFailureReporter(listener, scheduler);
    }

    /**
     * @param service the service called
     * @param endpoint where its calls go
     * @return a reporter for the calls to that endpoint
     */
    public Calls calls(ServiceFailure.Service service, URI endpoint) {
        return new Calls(this, service, endpoint);
    }

    private void report(ServiceFailure failure) {
        Consumer<? super ServiceFailure> target = listener;
        TaskScheduler runOn = scheduler;
        if (target == null || runOn == null) {
            return;
        }
        try {
            runOn.execute(() -> {
                try {
                    target.accept(failure);
                } catch (RuntimeException e) {
                    LOG.warn(
                            "the service failure listener threw {}; it is called again for the next failure",
                            e.getClass().getName());
                }
            });
        } catch (RejectedExecutionException closing) {
            // The producer is closing: nobody is left to tell.
        }
    }

    /** Reports the failed calls to one service endpoint. Thread-safe. */
    public static final class Calls {

        /** Reports to nobody. */
        public static final Calls NONE =
                new Calls(ServiceFailureReporter.NONE, ServiceFailure.Service.FIREHOSE, URI.create("https://none"));

        private final ServiceFailureReporter reporter;
        private final ServiceFailure.Service service;
        private final URI endpoint;

        private Calls(ServiceFailureReporter reporter, ServiceFailure.Service service, URI endpoint) {
            this.reporter = reporter;
            this.service = service;
            this.endpoint = endpoint;
        }

        /**
         * Reports one failed call; returns at once.
         *
         * @param operation the operation called
         * @param code the error code or, without an answer, the failure's class name
         * @param error the failure as the caller recorded it
         * @param permanent whether the records that depend on the call fail with it at once
         */
        public void report(String operation, String code, Throwable error, boolean permanent) {
            if (reporter.listener != null) {
                reporter.report(new ServiceFailure(service, operation, endpoint, code, error, permanent));
            }
        }
    }
}
