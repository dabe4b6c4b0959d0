package io.securefirehose.internal.producer;

import io.securefirehose.internal.wire.OutboundRecord;
import io.securefirehose.internal.wire.PutRecordBatchBody;
import java.util.ArrayList;
import java.util.List;

/** Records as the sender hands them to a transport: in arrays of their own, or base64 in pooled slabs. */
public final class TestRecords {

    private TestRecords() {}

    /** Each record in its own array, as large or encrypted records are held. */
    public static List<PendingRecord> own(List<byte[]> records) {
        List<PendingRecord> out = new ArrayList<>(records.size());
        for (byte[] data : records) {
            out.add(new PendingRecord(data, 0, Long.MAX_VALUE, data.length));
        }
        return out;
    }

    /**
     * Each record as the producer holds it without encryption: base64-encoded into pooled slabs by a real accumulator
     * when it is small enough, else in its own array.
     */
    public static List<PendingRecord> asHeld(List<byte[]> records) {
        RecordAccumulator accumulator =
                new RecordAccumulator(Integer.MAX_VALUE, Integer.MAX_VALUE, new SlabPool(1 << 20));
        List<PendingRecord> out = new ArrayList<>(records.size());
        for (byte[] data : records) {
            if (data.length > SlabPool.MAX_SLAB_RECORD_BYTES) {
                PendingRecord record = new PendingRecord(data, 0, Long.MAX_VALUE, data.length);
                accumulator.append(record);
                out.add(record);
                continue;
            }
            PendingRecord record = new PendingRecord(data.length, 0, Long.MAX_VALUE, data.length);
            accumulator.appendEncoded(record, PutRecordBatchBody.encodeIntoScratch(data), record.encodedLength());
            out.add(record);
        }
        return out;
    }

    /** The bytes of each record, as a transport reads them. */
    static List<byte[]> bytes(List<? extends OutboundRecord> records) {
        List<byte[]> out = new ArrayList<>(records.size());
        for (OutboundRecord record : records) {
            out.add(record.rawBytes());
        }
        return out;
    }
}
