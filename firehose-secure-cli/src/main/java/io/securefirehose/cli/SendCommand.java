package io.securefirehose.cli;

import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.errors.RecordTooLargeException;
import io.securefirehose.internal.text.Printable;
import io.securefirehose.records.FirehoseLimits;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code send}: reads records from files or stdin and ships them. */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        versionProvider = FirehoseSecureCli.Version.class,
        description = "Send records to a delivery stream: one per line (the newline is kept, so delivered objects"
                + " stay newline-delimited), or each file whole with --binary. Prints progress on stderr and"
                + " 'sent=<n> failed=<m>' at the end; exit code 0 only if every record was acknowledged.")
final class SendCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection = new ConnectionOptions();

    @Option(names = "--stream", required = true, description = "the delivery stream's name")
    String stream = "";

    @Option(names = "--binary", description = "each FILE is one record, read whole")
    boolean binary;

    @Option(names = "--strip-newlines", description = "drop the line terminator from each record")
    boolean stripNewlines;

    @Option(names = "--linger", description = "how long a batch waits to fill, e.g. 5ms or 1s (default 5ms)")
    Duration linger = Duration.ofMillis(5);

    @Option(names = "--max-in-flight", description = "most PutRecordBatch calls at once (default 5)")
    int maxInFlight = 5;

    @Option(names = "--require-sse", description = "fail records if the stream reports server-side encryption off")
    boolean requireServerSideEncryption;

    @Option(names = "--progress-interval", description = "how often progress is printed (default 1s)")
    Duration progressInterval = Duration.ofSeconds(1);

    @Parameters(arity = "0..*", paramLabel = "FILE", description = "input files; '-' or none for stdin")
    List<String> files = new ArrayList<>();

    private final FirehoseSecureCli.Io io;
    private final AtomicLong read = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final FailureSummary failures = new FailureSummary();
    private ServiceWatch watch = new ServiceWatch(() -> true, cause -> {}, reason -> {});

    SendCommand(FirehoseSecureCli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws IOException {
        if (binary && (files.isEmpty() || files.contains("-"))) {
            throw new IllegalArgumentException("--binary reads each FILE whole: name the files");
        }
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "firehose-secure-cli-progress");
            thread.setDaemon(true);
            return thread;
        });
        long started = System.nanoTime();
        CompletableFuture<SecureFirehoseProducer> built = new CompletableFuture<>();
        watch = new ServiceWatch(
                () -> acknowledged.get() == 0,
                cause -> progress.execute(() -> printProgress(started, false)),
                reason -> progress.execute(() -> endRun(reason, built)));
        SecureFirehoseProducer producer;
        try {
            producer = connection
                    .producer(stream)
                    .linger(linger)
                    .maxInFlightRequests(maxInFlight)
                    .requireServerSideEncryption(requireServerSideEncryption)
                    .serviceFailureListener(watch)
                    .build();
        } catch (UsageError e) {
            progress.shutdownNow();
            throw e;
        } catch (RuntimeException e) {
            progress.shutdownNow();
            io.err().println("error: " + FailureSummary.describe(e));
            io.out().println("sent=0 failed=0");
            return 1;
        }
        built.complete(producer);
        long intervalMillis = Math.max(1, progressInterval.toMillis());
        ScheduledFuture<?> ticker = progress.scheduleAtFixedRate(
                () -> printProgress(started, false), intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        try {
            if (binary) {
                for (String file : files) {
                    sendFile(producer, Path.of(file));
                }
            } else if (files.isEmpty()) {
                sendLines(producer, io.in(), "stdin");
            } else {
                for (String file : files) {
                    if ("-".equals(file)) {
                        sendLines(producer, io.in(), "stdin");
                    } else {
                        try (InputStream in = Files.newInputStream(Path.of(file))) {
                            sendLines(producer, in, file);
                        }
                    }
                }
            }
            producer.flush();
        } finally {
            producer.close();
            ticker.cancel(false);
            progress.shutdownNow();
        }
        // close() returned only after every record's future completed, and with it the counting callbacks.
        printProgress(started, true);
        io.out().println("sent=" + acknowledged.get() + " failed=" + failed.get());
        failures.print(io.err());
        return failed.get() == 0 && !watch.ended() ? 0 : 1;
    }

    /**
     * Ends the run for {@code reason}: says why at once, then fails what is buffered, which lets the reading loop
     * and {@code flush} return; on the progress thread.
     */
    @SuppressWarnings("FutureReturnValueIgnored") // close() reports nothing through it; it runs once built
    private void endRun(String reason, CompletableFuture<SecureFirehoseProducer> built) {
        io.err().println("error: " + reason);
        io.err().flush();
        built.thenAccept(producer -> producer.close(Duration.ZERO));
    }

    /**
     * Sends one record per line. At most one record's worth of a line is held: a longer line is read to its end
     * without being kept and refused as that one record, naming its size and the limit; the lines around it are
     * sent as usual.
     */
    private void sendLines(SecureFirehoseProducer producer, InputStream input, String source) throws IOException {
        new LineReader(input, stripNewlines, FirehoseLimits.MAX_RECORD_BYTES, 64 * 1024)
                .readAll(
                        new LineReader.Sink() {
                            @Override
                            public void record(byte[] record) {
                                send(producer, record);
                            }

                            @Override
                            public void tooLarge(long lineNumber, long bytes) {
                                refuseTooLarge(source + " line " + lineNumber, bytes);
                            }
                        },
                        watch::ended);
    }

    /** Sends a file as one record, reading no more of it than the largest record. */
    private void sendFile(SecureFirehoseProducer producer, Path file) throws IOException {
        if (watch.ended()) {
            return;
        }
        long size = Files.size(file);
        if (size > FirehoseLimits.MAX_RECORD_BYTES) {
            refuseTooLarge(file.toString(), size);
            return;
        }
        byte[] data;
        try (InputStream in = Files.newInputStream(file)) {
            data = in.readNBytes(FirehoseLimits.MAX_RECORD_BYTES + 1);
        }
        if (data.length > FirehoseLimits.MAX_RECORD_BYTES) {
            refuseTooLarge(file.toString(), Math.max(size, data.length)); // it grew while being read
            return;
        }
        send(producer, data);
    }

    private void refuseTooLarge(String where, long bytes) {
        read.incrementAndGet();
        failed.incrementAndGet();
        RecordTooLargeException refused = new RecordTooLargeException(bytes, FirehoseLimits.MAX_RECORD_BYTES);
        failures.add(refused);
        io.err().println("refused: " + Printable.of(where) + ": " + refused.getMessage());
    }

    @SuppressWarnings("FutureReturnValueIgnored") // see the comment on whenComplete
    private void send(SecureFirehoseProducer producer, byte[] record) {
        read.incrementAndGet();
        CompletableFuture<RecordReceipt> future;
        try {
            future = producer.send(record);
        } catch (RuntimeException refused) {
            failed.incrementAndGet();
            if (!watch.ended()) {
                failures.add(refused); // else the run's end, already reported, refused it
                watch.recordFailed(refused);
            }
            return;
        }
        // Counting runs when the future completes; close() waits for that, so the result needs no keeping.
        future.whenComplete((receipt, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                failed.incrementAndGet();
                if (!(watch.ended() && explainedByTheEnd(FailureSummary.unwrap(error)))) {
                    failures.add(error);
                    watch.recordFailed(error);
                }
            }
        });
    }

    /**
     * Whether a record's failure, once the run has ended, is the end's own cause, already reported: the close that
     * ended the run, or the STS session or KMS data key whose failure ended it.
     */
    private static boolean explainedByTheEnd(Throwable failure) {
        return failure instanceof ProducerClosedException
                || failure instanceof CredentialsUnavailableException
                || failure instanceof EncryptionFailedException;
    }

    private void printProgress(long startedNanos, boolean done) {
        double seconds = Math.max(1e-9, (System.nanoTime() - startedNanos) / 1e9);
        String firstCause = watch.firstCause();
        io.err()
                .printf(
                        "progress: read=%d acknowledged=%d failed=%d rate=%.0f records/s%s%s%n",
                        read.get(),
                        acknowledged.get(),
                        failed.get(),
                        acknowledged.get() / seconds,
                        done ? " (done)" : "",
                        firstCause == null ? "" : "; first failure: " + firstCause);
        io.err().flush();
    }
}
