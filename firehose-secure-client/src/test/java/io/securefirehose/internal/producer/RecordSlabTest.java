package io.securefirehose.internal.producer;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.internal.wire.PutRecordBatchBody;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slabs and their pool: when an array may be reused, and what a record reads once it let go of its slab. */
class RecordSlabTest {

    private final SlabPool pool = new SlabPool(1 << 20);
    private final RecordAccumulator accumulator = new RecordAccumulator(500, 4 << 20, pool);

    private PendingRecord append(String text) {
        byte[] data = text.getBytes(UTF_8);
        PendingRecord record = new PendingRecord(data.length, 0, Long.MAX_VALUE, data.length);
        accumulator.appendEncoded(record, PutRecordBatchBody.encodeIntoScratch(data), record.encodedLength());
        return record;
    }

    @Test
    void aSlabReturnsOnlyOnceEveryRecordInItCompletedAndTheWriterMovedOn() {
        PendingRecord first = append("one");
        PendingRecord second = append("two");
        assertThat(first.encoded).isSameAs(second.encoded);
        first.releaseSlab();
        second.releaseSlab();
        assertThat(pool.idle()).as("the accumulator still writes into it").isZero();
        accumulator.close();
        assertThat(pool.idle()).isEqualTo(1);
    }

    @Test
    void aRecordWaitingForARetryMovesOutAndKeepsItsBytes() {
        PendingRecord waiting = append("retry me");
        PendingRecord done = append("done");
        accumulator.close();
        waiting.moveOutOfSlab();
        assertThat(pool.idle()).isZero();
        done.releaseSlab();
        assertThat(pool.idle()).as("the moved record no longer holds it").isEqualTo(1);
        byte[] reused = pool.take().bytes();
        java.util.Arrays.fill(reused, (byte) 'A');
        assertThat(new String(waiting.rawBytes(), UTF_8)).isEqualTo("retry me");
        assertThat(waiting.encoded).isNotSameAs(reused);
    }

    @Test
    void aRecordThatLetGoOfItsSlabCannotBeReadAnyMore() {
        PendingRecord record = append("gone");
        record.releaseSlab();
        assertThatThrownBy(record::rawBytes)
                .isInstanceOf(NullPointerException.class)
                .hasMessageContaining("released");
    }

    @Test
    void recordsLargerThanAQuarterSlabAreNotPutInSlabsAndASlabTakesFourOfTheLargestThatAre() {
        List<PendingRecord> largest = TestRecords.asHeld(List.of(
                new byte[SlabPool.MAX_SLAB_RECORD_BYTES],
                new byte[SlabPool.MAX_SLAB_RECORD_BYTES],
                new byte[SlabPool.MAX_SLAB_RECORD_BYTES],
                new byte[SlabPool.MAX_SLAB_RECORD_BYTES],
                new byte[SlabPool.MAX_SLAB_RECORD_BYTES + 1]));
        assertThat(largest.subList(0, 4)).allMatch(r -> r.encoded == largest.get(0).encoded);
        assertThat(largest.get(4).encoded).isNull();
        assertThat(largest.get(4).data).hasSize(SlabPool.MAX_SLAB_RECORD_BYTES + 1);
    }

    @Test
    void thePoolKeepsNoMoreIdleSlabsThanTheBufferTakesInBase64() {
        SlabPool small = new SlabPool(3L * SlabPool.SLAB_BYTES);
        List<RecordSlab> slabs = List.of(
                small.take(), small.take(), small.take(), small.take(), small.take(), small.take(), small.take());
        slabs.forEach(RecordSlab::release);
        assertThat(small.idle()).isEqualTo(3 * 4 / 3 + 2);
    }

    @Test
    void base64LargerThanASlabIsRefusedBeforeItTouchesOne() {
        int tooLong = SlabPool.SLAB_BYTES + 4;
        PendingRecord record = new PendingRecord(tooLong / 4 * 3, 0, Long.MAX_VALUE, tooLong);
        assertThatThrownBy(() -> accumulator.appendEncoded(record, new byte[tooLong], tooLong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(String.valueOf(tooLong));
        assertThat(record.slab).isNull();
    }

    @Test
    void aSlabReleasedMoreOftenThanHeldIsABugThatSaysSo() {
        RecordSlab slab = pool.take();
        slab.release();
        assertThatThrownBy(slab::release).isInstanceOf(IllegalStateException.class);
    }
}
