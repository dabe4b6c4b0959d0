package io.securefirehose.cli;

import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.FirehoseSecureException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Counts failed records by cause, so that a thousand records refused for one reason make one line: the cause's
 * message (which names the rule, what was seen and how to fix it) and how many records it failed. Thread-safe.
 */
final class FailureSummary {

    private final Map<String, Entry> byCause = new LinkedHashMap<>(); // guarded by this

    private static final class Entry {
        final String message;
        long records;

        Entry(String message) {
            this.message = message;
        }
    }

    synchronized void add(Throwable failure) {
        Throwable cause = unwrap(failure);
        Throwable root = cause.getCause() == null ? cause : cause.getCause();
        String key = cause.getClass().getName()
                + (cause instanceof DeliveryFailedException delivery ? "/" + delivery.errorCode() : "")
                + "/" + root.getClass().getName();
        byCause.computeIfAbsent(key, k -> new Entry(describe(cause))).records++;
    }

    synchronized boolean isEmpty() {
        return byCause.isEmpty();
    }

    /** Prints one line per distinct cause. */
    synchronized void print(PrintWriter err) {
        for (Entry entry : byCause.values()) {
            err.println("error: " + entry.records + " record(s): " + entry.message);
        }
    }

    static Throwable unwrap(Throwable failure) {
        Throwable cause = failure;
        while ((cause instanceof ExecutionException || cause instanceof CompletionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** The failure's message, with its cause's when that says more (for example the TLS rule behind a timeout). */
    static String describe(Throwable failure) {
        Throwable cause = unwrap(failure);
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Throwable inner = cause.getCause();
        if (inner instanceof FirehoseSecureException
                && inner.getMessage() != null
                && !message.contains(inner.getMessage())) {
            message += " (cause: " + inner.getMessage() + ")";
        }
        return FlagNames.translate(message);
    }
}
