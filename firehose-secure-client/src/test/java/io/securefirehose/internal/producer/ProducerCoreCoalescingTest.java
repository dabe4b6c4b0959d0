package io.securefirehose.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.RecordReceipt;
import io.securefirehose.errors.DeliveryFailedException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.errors.RecordTooLargeException;
import io.securefirehose.records.CoalescedRecords;
import io.securefirehose.records.Coalescing;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Packing small records into one Firehose record: framing, sizes, linger, and every future completing. */
class ProducerCoreCoalescingTest extends CoreTestSupport {

    private static byte[] text(int size, int marker) {
        byte[] record = new byte[size];
        Arrays.fill(record, (byte) ('a' + marker % 26));
        return record;
    }

    @Test
    void theCallersArrayMayChangeOnceSendReturnsItWasPackedAlready() {
        core(b -> b.coalescing(Coalescing.newlineDelimited().maxRecordBytes(1024)));
        byte[] reused = "first".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        core.send(reused, true);
        reused[0] = 'X';
        core.send("second".getBytes(java.nio.charset.StandardCharsets.UTF_8), true);
        lingerOut(); // the pack's linger
        lingerOut(); // the batch's
        assertThat(CoalescedRecords.split(transport.call(0).records().get(0), Coalescing.Framing.NEWLINE))
                .extracting(r -> new String(r, java.nio.charset.StandardCharsets.UTF_8))
                .containsExactly("first", "second");
    }

    @Test
    void manySmallRecordsArePackedIntoFewFirehoseRecordsEachWithItsOwnFuture() {
        core(b -> b.coalescing(Coalescing.newlineDelimited().maxRecordBytes(1024)));
        List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
        List<byte[]> sent = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            byte[] record = text(99, i);
            sent.add(record);
            futures.add(core.send(record));
        }
        lingerOut();
        lingerOut();
        // The last pack leaves on its own linger, which may fall just after the batch's: one or two calls.
        assertThat(transport.callCount()).isBetween(1, 2);
        List<byte[]> packed = new ArrayList<>();
        transport.calls().forEach(call -> packed.addAll(call.records()));
        assertThat(packed).hasSize(10).allSatisfy(p -> assertThat(p).hasSize(1000));
        List<byte[]> unpacked = new ArrayList<>();
        packed.forEach(p -> unpacked.addAll(CoalescedRecords.split(p, Coalescing.Framing.NEWLINE)));
        assertThat(unpacked).containsExactlyElementsOf(sent);

        for (int call = 0; call < transport.callCount(); call++) {
            transport.acceptAll(call);
        }
        settle();
        assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
        assertThat(futures.get(0).join().recordId())
                .isEqualTo(futures.get(9).join().recordId());
        assertThat(futures.get(0).join().recordId())
                .isNotEqualTo(futures.get(10).join().recordId());
        assertThat(core.bufferedBytes()).isZero();
        assertThat(core.bufferedRecords()).isZero();
    }

    @Test
    void aPartialPackLeavesAfterLinger() {
        core(b -> b.coalescing(Coalescing.newlineDelimited()));
        core.send("one".getBytes(StandardCharsets.UTF_8));
        core.send("two\n".getBytes(StandardCharsets.UTF_8));
        settle();
        scheduler.advance(Duration.ofMillis(49));
        settle();
        assertThat(transport.callCount()).isZero();
        lingerOut();
        lingerOut();
        assertThat(transport.callCount()).isEqualTo(1);
        assertThat(new String(transport.call(0).records().get(0), StandardCharsets.UTF_8))
                .as("a newline is added only where missing")
                .isEqualTo("one\ntwo\n");
    }

    @Test
    void lengthPrefixedPacksCarryAnyBytes() {
        core(b -> b.coalescing(Coalescing.lengthPrefixed()));
        byte[][] records = {new byte[0], {'\n', 0, '\n'}, text(300, 1)};
        for (byte[] record : records) {
            core.send(record);
        }
        core.send(new byte[0]);
        lingerOut();
        lingerOut();
        byte[] packed = transport.call(0).records().get(0);
        assertThat(packed).hasSize(4 + 4 + 3 + 4 + 300 + 4);
        assertThat(CoalescedRecords.split(packed, Coalescing.Framing.LENGTH_PREFIXED))
                .containsExactly(records[0], records[1], records[2], new byte[0]);
    }

    @Test
    void recordsThePackingCannotCarryAreRefusedNamingTheRule() {
        core(b -> b.coalescing(Coalescing.newlineDelimited().maxRecordBytes(2048)));
        assertThatThrownBy(() -> core.send("a\nb".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("newline at byte 1 of 3")
                .hasMessageContaining("Coalescing.lengthPrefixed()");
        assertThatThrownBy(() -> core.send(new byte[2048]))
                .isInstanceOfSatisfying(
                        RecordTooLargeException.class,
                        e -> assertThat(e.maxRecordBytes()).isEqualTo(2047))
                .hasMessageContaining("record of 2048 bytes is larger than the 2047 bytes one packed record can carry");
        CompletableFuture<RecordReceipt> largest = core.send(text(2047, 0));
        lingerOut();
        lingerOut();
        assertThat(transport.call(0).records().get(0)).hasSize(2048);
        transport.acceptAll(0);
        settle();
        assertThat(largest).isCompleted();
        assertThat(core.bufferedBytes()).isZero();
    }

    @Test
    void aFailedPackFailsEveryRecordInIt() {
        core(b -> b.coalescing(Coalescing.newlineDelimited()));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(5, 10);
        lingerOut();
        lingerOut();
        transport.failWith(0, 400, "InvalidArgumentException");
        settle();
        assertThat(futures)
                .allSatisfy(f -> assertThat(failureOf(f))
                        .isInstanceOfSatisfying(
                                DeliveryFailedException.class,
                                e -> assertThat(e.errorCode()).isEqualTo("InvalidArgumentException")));
        assertThat(core.bufferedBytes()).isZero();
    }

    @Test
    void closeSendsOrFailsTheOpenPackAndRefusesMore() {
        core(b -> b.coalescing(Coalescing.newlineDelimited()));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(3, 10);
        settle();
        core.close(Duration.ZERO);
        assertThat(futures).allSatisfy(f -> assertThat(failureOf(f)).isInstanceOf(ProducerClosedException.class));
        assertThatThrownBy(() -> core.send(text(1, 0))).isInstanceOf(IllegalStateException.class);
        assertThat(core.bufferedBytes()).isZero();
    }

    @Test
    void coalescingSettingsAreChecked() {
        assertThatThrownBy(() -> Coalescing.newlineDelimited().maxRecordBytes(100))
                .hasMessageContaining("between 1024 and 1024000");
        assertThat(Coalescing.lengthPrefixed().framingBytes(new byte[3])).isEqualTo(4);
        assertThat(Coalescing.newlineDelimited().framingBytes("x\n".getBytes(StandardCharsets.UTF_8)))
                .isZero();
        assertThat(Coalescing.newlineDelimited().toString()).isEqualTo("NEWLINE up to 64000 bytes");
        assertThatThrownBy(() -> CoalescedRecords.split(new byte[] {0, 0, 0, 5, 1}, Coalescing.Framing.LENGTH_PREFIXED))
                .hasMessageContaining("cut short: 1 of 5 bytes");
    }
}
