package io.securefirehose.records;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The reader of packed records on written, cut, random and endless input: it hands out exactly the records that
 * were packed, refuses anything else with an {@link IllegalArgumentException} (or {@link UncheckedIOException} when
 * streaming) that names the byte offset, and holds at most one Firehose record's worth of memory.
 */
class CoalescedRecordsTest {

    @Property(tries = 300)
    void packedRecordsReadBackExactlyWhateverChunksTheStreamDeliversThemIn(
            @ForAll("records") List<byte[]> records,
            @ForAll Coalescing.Framing framing,
            @ForAll @IntRange(min = 1, max = 70_000) int largestRead) {
        List<byte[]> fitting = fitFraming(records, framing);
        byte[] packed = pack(fitting, framing);

        assertThat(CoalescedRecords.split(packed, framing)).containsExactlyElementsOf(fitting);
        List<byte[]> streamed = new ArrayList<>();
        long count = CoalescedRecords.forEach(new TrickleStream(packed, largestRead), framing, streamed::add);
        assertThat(streamed).containsExactlyElementsOf(fitting);
        assertThat(count).isEqualTo(fitting.size());
    }

    @Property(tries = 300)
    void dataCutAnywhereYieldsExactlyTheRecordsBeforeTheCutOrACutShortError(
            @ForAll("records") List<byte[]> records,
            @ForAll Coalescing.Framing framing,
            @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed) {
        List<byte[]> fitting = fitFraming(records, framing);
        byte[] packed = pack(fitting, framing);
        int cut = cutSeed % (packed.length + 1);

        int complete = 0;
        int end = 0;
        while (complete < fitting.size() && end + packedBytes(fitting.get(complete), framing) <= cut) {
            end += packedBytes(fitting.get(complete), framing);
            complete++;
        }
        byte[] shortened = Arrays.copyOf(packed, cut);
        if (end == cut) {
            assertThat(CoalescedRecords.split(shortened, framing))
                    .containsExactlyElementsOf(fitting.subList(0, complete));
        } else {
            assertThatThrownBy(() -> CoalescedRecords.split(shortened, framing))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("byte offset " + end)
                    .hasMessageContaining("cut short");
        }
    }

    @Property(tries = 500)
    void randomBytesYieldRecordsThatPackBackToThemOrATypedError(
            @ForAll("junk") byte[] junk, @ForAll Coalescing.Framing framing) {
        List<byte[]> records;
        try {
            records = CoalescedRecords.split(junk, framing);
        } catch (IllegalArgumentException refused) {
            assertThat(refused.getMessage()).contains("byte offset");
            return;
        }
        assertThat(pack(records, framing))
                .as("what was handed out is exactly the input")
                .isEqualTo(junk);
    }

    @Test
    void anEndlessLineIsRefusedAfterOneFirehoseRecordOfIt() {
        CountingEndlessStream endless = new CountingEndlessStream((byte) 'a');
        assertThatThrownBy(() -> CoalescedRecords.forEach(endless, Coalescing.Framing.NEWLINE, r -> {}))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("byte offset 0")
                .hasMessageContaining("runs past 1023999 bytes without '\\n'");
        assertThat(endless.served).isLessThan(FirehoseLimits.MAX_RECORD_BYTES + 64L * 1024);
    }

    @Test
    void theLongestLineAPackedRecordCanHoldIsRead() {
        byte[] line = new byte[FirehoseLimits.MAX_RECORD_BYTES];
        Arrays.fill(line, (byte) 'x');
        line[line.length - 1] = '\n';
        assertThat(CoalescedRecords.split(line, Coalescing.Framing.NEWLINE))
                .singleElement()
                .satisfies(r -> assertThat(r).hasSize(FirehoseLimits.MAX_RECORD_BYTES - 1));
    }

    @Test
    void aLengthOverTheRecordLimitIsRefusedBeforeAnythingIsAllocatedForIt() {
        CountingEndlessStream endless = new CountingEndlessStream((byte) 0xFF);
        assertThatThrownBy(() -> CoalescedRecords.forEach(endless, Coalescing.Framing.LENGTH_PREFIXED, r -> {}))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("record length 4294967295 at byte offset 0 exceeds the 1024000 bytes");
        byte[] largest = ByteBuffer.allocate(4 + FirehoseLimits.MAX_RECORD_BYTES)
                .putInt(FirehoseLimits.MAX_RECORD_BYTES)
                .array();
        assertThat(CoalescedRecords.split(largest, Coalescing.Framing.LENGTH_PREFIXED))
                .singleElement()
                .satisfies(r -> assertThat(r).hasSize(FirehoseLimits.MAX_RECORD_BYTES));
    }

    @Test
    void aNewlineObjectWhoseLastRecordLacksItsNewlineIsRefusedNotShortened() {
        assertThatThrownBy(() -> CoalescedRecords.split("one\ntw".getBytes(), Coalescing.Framing.NEWLINE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the record at byte offset 4 ends after 2 bytes without '\\n'");
        assertThat(CoalescedRecords.split(new byte[0], Coalescing.Framing.NEWLINE))
                .isEmpty();
        assertThat(CoalescedRecords.split("\n\n".getBytes(), Coalescing.Framing.NEWLINE))
                .containsExactly(new byte[0], new byte[0]);
    }

    @Test
    void missingArgumentsAreRefusedByName() {
        assertThatThrownBy(() -> CoalescedRecords.forEach(null, Coalescing.Framing.NEWLINE, r -> {}))
                .hasMessageContaining("in");
        assertThatThrownBy(() -> CoalescedRecords.split(new byte[0], null)).hasMessageContaining("framing");
    }

    @Provide
    Arbitrary<List<byte[]>> records() {
        Arbitrary<byte[]> record = Arbitraries.frequencyOf(
                        Tuple.of(1, Arbitraries.just((byte) '\n')), Tuple.of(9, Arbitraries.bytes()))
                .array(byte[].class)
                .ofMaxSize(300);
        return record.list().ofMaxSize(40);
    }

    @Provide
    Arbitrary<byte[]> junk() {
        // Small length prefixes and newlines are where a sloppy reader goes wrong; pure noise rarely hits them.
        Arbitrary<Byte> structured = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.bytes()),
                Tuple.of(2, Arbitraries.just((byte) 0)),
                Tuple.of(1, Arbitraries.just((byte) '\n')),
                Tuple.of(1, Arbitraries.bytes().between((byte) 1, (byte) 8)));
        return structured.array(byte[].class).ofMaxSize(2048);
    }

    /** Newline framing cannot carry a {@code '\n'} inside a record: such records are the producer's to refuse. */
    private static List<byte[]> fitFraming(List<byte[]> records, Coalescing.Framing framing) {
        if (framing == Coalescing.Framing.LENGTH_PREFIXED) {
            return records;
        }
        List<byte[]> lines = new ArrayList<>();
        for (byte[] record : records) {
            byte[] line = record.clone();
            for (int i = 0; i < line.length; i++) {
                if (line[i] == '\n') {
                    line[i] = ' ';
                }
            }
            lines.add(line);
        }
        return lines;
    }

    /** The framing as docs/producer.md specifies it, written independently of the producer's packer. */
    private static byte[] pack(List<byte[]> records, Coalescing.Framing framing) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] record : records) {
            if (framing == Coalescing.Framing.LENGTH_PREFIXED) {
                out.writeBytes(ByteBuffer.allocate(4).putInt(record.length).array());
                out.writeBytes(record);
            } else {
                out.writeBytes(record);
                out.write('\n');
            }
        }
        return out.toByteArray();
    }

    private static int packedBytes(byte[] record, Coalescing.Framing framing) {
        return record.length + (framing == Coalescing.Framing.LENGTH_PREFIXED ? 4 : 1);
    }

    /** Hands its bytes out at most {@code largestRead} at a time, as a network stream may. */
    private static final class TrickleStream extends InputStream {
        private final byte[] bytes;
        private final int largestRead;
        private int position;

        TrickleStream(byte[] bytes, int largestRead) {
            this.bytes = bytes;
            this.largestRead = largestRead;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (length == 0) {
                return 0;
            }
            if (position == bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(length, largestRead), bytes.length - position);
            System.arraycopy(bytes, position, into, offset, n);
            position += n;
            return n;
        }
    }

    /** The same byte forever; counts what was read so a test can bound what the reader took in. */
    private static final class CountingEndlessStream extends InputStream {
        private final byte value;
        long served;

        CountingEndlessStream(byte value) {
            this.value = value;
        }

        @Override
        public int read() {
            served++;
            return value & 0xFF;
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            Arrays.fill(into, offset, offset + length, value);
            served += length;
            return length;
        }
    }
}
