package io.securefirehose.internal.wire;

import static org.apiguardian.api.API.Status.INTERNAL;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.apiguardian.api.API;
import org.jspecify.annotations.Nullable;

/**
 * A record as the wire writer reads it: its size, and either its own bytes or its base64 held in a larger array
 * (the producer's slabs). The view lets {@link PutRecordBatchBody} and the transports read records without
 * knowing the producer's bookkeeping. Implementations are read on the thread that writes the request body.
 */
@API(status = INTERNAL, since = "0.1.0")
public interface OutboundRecord {

    /** The record's size in bytes as sent, before base64. */
    int length();

    /** The record's bytes in an array of their own, or {@code null} when the record is held as base64. */
    byte @Nullable [] data();

    /** The array holding the record's base64 from {@link #encodedOffset()}, or {@code null} with {@link #data()}. */
    byte @Nullable [] encoded();

    /** Where the record's base64 starts in {@link #encoded()}. */
    int encodedOffset();

    /** How many calls have carried the record, this one included: 1 on its first call. */
    default int attempts() {
        return 1;
    }

    /** The send-time contexts to link from the span of the call that carries the record (tracing), or {@code null}. */
    default @Nullable List<Object> sendContexts() {
        return null;
    }

    /** Length of the record's base64. */
    default int encodedLength() {
        return (int) PutRecordBatchBody.base64Length(length());
    }

    /**
     * The record's bytes as sent; decodes (a new array) when the record is held as base64. For the rare paths
     * (spill, the SDK client path); the lean path copies the base64 directly.
     */
    default byte[] rawBytes() {
        byte[] own = data();
        if (own != null) {
            return own;
        }
        byte[] base64 = Objects.requireNonNull(encoded(), "record bytes already released");
        ByteBuffer decoded = Base64.getDecoder().decode(ByteBuffer.wrap(base64, encodedOffset(), encodedLength()));
        byte[] array = decoded.array();
        if (decoded.arrayOffset() == 0 && decoded.position() == 0 && decoded.remaining() == array.length) {
            return array; // the decoder's own array, of the exact size: no second copy
        }
        byte[] bytes = new byte[decoded.remaining()];
        decoded.get(bytes);
        return bytes;
    }
}
