package io.securefirehose.errors;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The producer requires server-side encryption ({@code requireServerSideEncryption(true)}) and Firehose answered
 * the call carrying this record with {@code Encrypted=false}: the stream's server-side encryption is off.
 *
 * <p>Firehose did accept the record ({@link #recordId()}), so it is stored, but not encrypted at rest by Firehose;
 * the future fails so that the application notices the broken rule. Not retriable: the same stream answers the
 * same way until its encryption is turned on.
 */
@API(status = STABLE, since = "0.1.0")
public final class ServerSideEncryptionRequiredException extends FirehoseSecureException {

    private static final long serialVersionUID = 1L;

    /** The id Firehose gave the record it accepted. */
    private final String recordId;

    /**
     * Creates the exception.
     *
     * @param stream the delivery stream
     * @param recordId the id Firehose gave the accepted record
     */
    public ServerSideEncryptionRequiredException(String stream, String recordId) {
        super(
                "Firehose accepted the record (RecordId " + recordId + ") but reported Encrypted=false for stream '"
                        + stream + "': server-side encryption is off, which requireServerSideEncryption forbids."
                        + " Enable it (StartDeliveryStreamEncryption, preferably with a customer managed KMS key) or"
                        + " turn the option off; the record is stored without Firehose's encryption at rest",
                null,
                false);
        this.recordId = recordId;
    }

    /** @return the id Firehose gave the record it accepted */
    public String recordId() {
        return recordId;
    }
}
