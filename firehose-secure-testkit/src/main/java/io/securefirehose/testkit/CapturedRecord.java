package io.securefirehose.testkit;

/**
 * A record {@link LocalFirehose} accepted.
 *
 * @param stream delivery stream name
 * @param recordId the {@code RecordId} returned for it
 * @param data the record's bytes (decoded from base64); do not modify
 * @param requestSequence sequence number of the call that carried it (see {@link CapturedRequest#sequence()})
 * @param index position of the record in that call
 */
public record CapturedRecord(String stream, String recordId, byte[] data, long requestSequence, int index) {}
