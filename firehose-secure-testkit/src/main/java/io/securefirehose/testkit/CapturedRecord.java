package io.securefirehose.testkit;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A record {@link LocalFirehose} accepted. Immutable.
 */
@API(status = STABLE, since = "0.1.0")
public final class CapturedRecord {

    private final String stream;
    private final String recordId;
    private final byte[] data;
    private final long requestSequence;
    private final int index;

    /**
     * A record as LocalFirehose captured it; created by the server when it accepts a record.
     *
     * @param stream the stream it was put to
     * @param recordId the record id returned for it
     * @param data its bytes (held, not copied)
     * @param requestSequence the number of the call that carried it
     * @param index its position in that call
     */
    public CapturedRecord(String stream, String recordId, byte[] data, long requestSequence, int index) {
        this.stream = stream;
        this.recordId = recordId;
        this.data = data;
        this.requestSequence = requestSequence;
        this.index = index;
    }

    /** @return delivery stream name */
    public String stream() {
        return stream;
    }

    /** @return the {@code RecordId} returned for the record */
    public String recordId() {
        return recordId;
    }

    /** @return a copy of the record's bytes (decoded from base64) */
    public byte[] data() {
        return data.clone();
    }

    /** @return the record's size in bytes */
    public int size() {
        return data.length;
    }

    /** @return sequence number of the call that carried the record (see {@link CapturedRequest#sequence()}) */
    public long requestSequence() {
        return requestSequence;
    }

    /** @return position of the record in that call */
    public int index() {
        return index;
    }

    @Override
    public String toString() {
        return "CapturedRecord[stream=" + stream + ", recordId=" + recordId + ", bytes=" + data.length + ", request="
                + requestSequence + ", index=" + index + "]";
    }
}
