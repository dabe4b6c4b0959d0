package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One scripted fault for the next {@code PutRecordBatch} or {@code PutRecord} call, queued with
 * {@link LocalFirehose#enqueueFaults(Fault...)}. Scripted faults are used before the random {@link FaultPlan}.
 *
 * <p>Immutable.
 */
@API(status = STABLE, since = "0.1.0")
public final class Fault {

    /** What the fault does. */
    public enum Kind {
        /** Answer {@code ServiceUnavailableException} (HTTP 500), as Firehose does when a stream is throttled. */
        THROTTLE,
        /** Answer {@code InternalFailure} with HTTP 500. */
        SERVER_ERROR,
        /** Close the connection with a TCP reset instead of answering. */
        CONNECTION_RESET,
        /** Answer with a chosen status and error code. */
        ERROR,
        /** Accept the call but fail the records at the given indexes. */
        FAIL_RECORDS,
        /** Handle the call normally, answering after a delay. */
        DELAY,
        /** Store nothing and answer exactly the given status, body and {@code X-Amzn-ErrorType} header. */
        ANSWER,
        /**
         * Store the call's records, then close the connection with a TCP reset instead of answering: the client
         * cannot know they were stored, so a retry stores them again.
         */
        LOST_RESPONSE
    }

    private final Kind kind;
    private final int status;
    private final String errorCode;
    private final int[] recordIndexes;
    private final Duration delay;
    private final String body;

    private Fault(Kind kind, int status, String errorCode, int[] recordIndexes, Duration delay) {
        this(kind, status, errorCode, recordIndexes, delay, "");
    }

    private Fault(Kind kind, int status, String errorCode, int[] recordIndexes, Duration delay, String body) {
        this.kind = kind;
        this.status = status;
        this.errorCode = errorCode;
        this.recordIndexes = recordIndexes;
        this.delay = delay;
        this.body = body;
    }

    /** @return a throttling answer: {@code ServiceUnavailableException}, HTTP 500 */
    public static Fault throttle() {
        return new Fault(Kind.THROTTLE, 500, "ServiceUnavailableException", new int[0], Duration.ZERO);
    }

    /** @return an {@code InternalFailure} answer with HTTP 500 */
    public static Fault serverError() {
        return new Fault(Kind.SERVER_ERROR, 500, "InternalFailure", new int[0], Duration.ZERO);
    }

    /** @return a TCP reset instead of an answer */
    public static Fault connectionReset() {
        return new Fault(Kind.CONNECTION_RESET, 0, "", new int[0], Duration.ZERO);
    }

    /** @return records stored, then a TCP reset instead of the answer (the client sees the call fail) */
    public static Fault lostResponse() {
        return new Fault(Kind.LOST_RESPONSE, 0, "", new int[0], Duration.ZERO);
    }

    /**
     * @param status HTTP status
     * @param errorCode AWS error code, for example {@code AccessDeniedException}
     * @return an error answer
     */
    public static Fault error(int status, String errorCode) {
        Objects.requireNonNull(errorCode, "errorCode");
        return new Fault(Kind.ERROR, status, errorCode, new int[0], Duration.ZERO);
    }

    /**
     * @param errorCode per-record error code, for example {@code ServiceUnavailableException}
     * @param indexes zero-based positions of the records to fail in the call
     * @return an answer that accepts every other record
     */
    public static Fault failRecords(String errorCode, int... indexes) {
        Objects.requireNonNull(errorCode, "errorCode");
        return new Fault(Kind.FAIL_RECORDS, 200, errorCode, indexes.clone(), Duration.ZERO);
    }

    /**
     * @param delay how long to wait before answering
     * @return a normal answer, late
     */
    public static Fault delay(Duration delay) {
        Objects.requireNonNull(delay, "delay");
        return new Fault(Kind.DELAY, 200, "", new int[0], delay);
    }

    /**
     * An answer given verbatim, whatever the call carried; nothing is stored. For testing how a client reads
     * unusual, malformed or undocumented answers.
     *
     * @param status HTTP status
     * @param errorTypeHeader value of the {@code X-Amzn-ErrorType} header, or empty for none
     * @param body the answer's body (UTF-8)
     * @return the answer
     */
    public static Fault answer(int status, String errorTypeHeader, String body) {
        Objects.requireNonNull(errorTypeHeader, "errorTypeHeader");
        Objects.requireNonNull(body, "body");
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status (100..599), was " + status);
        }
        return new Fault(Kind.ANSWER, status, errorTypeHeader, new int[0], Duration.ZERO, body);
    }

    /** @return the body of a {@link Kind#ANSWER} fault, empty for other kinds */
    public String body() {
        return body;
    }

    /** @return what the fault does */
    public Kind kind() {
        return kind;
    }

    /** @return HTTP status of the answer (0 for a reset or a lost response) */
    public int status() {
        return status;
    }

    /** @return the error code of the answer or of the failed records */
    public String errorCode() {
        return errorCode;
    }

    /** @return the record positions to fail, for {@link Kind#FAIL_RECORDS} */
    public int[] recordIndexes() {
        return recordIndexes.clone();
    }

    /** @return the delay, for {@link Kind#DELAY} */
    public Duration delay() {
        return delay;
    }

    @Override
    public String toString() {
        return kind
                + (recordIndexes.length > 0 ? Arrays.toString(recordIndexes) : "")
                + (errorCode.isEmpty() ? "" : " " + errorCode);
    }
}
