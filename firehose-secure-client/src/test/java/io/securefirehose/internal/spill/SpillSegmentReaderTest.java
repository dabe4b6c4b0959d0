package io.securefirehose.internal.spill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * The spill segment reader on written, cut, flipped and random input: it hands out only entries that were
 * written, in order, classifies how a file ended, and answers anything else with a typed error, without
 * allocating more than the file's size.
 */
class SpillSegmentReaderTest {

    private static final String STREAM = "orders-stream";

    @Property(tries = 200)
    void aWrittenSegmentReadsBackEveryRecordExactly(@ForAll("records") List<byte[]> records, @ForAll boolean envelope)
            throws Exception {
        SpillSegmentReader.Content content = SpillSegmentReader.read(segment(records, envelope));
        assertThat(content.streamName()).isEqualTo(STREAM);
        assertThat(content.envelope()).isEqualTo(envelope);
        assertThat(content.records()).containsExactlyElementsOf(records);
        assertThat(content.damage()).isEqualTo(SpillSegmentReader.Damage.NONE);
    }

    @Property(tries = 300)
    void aSegmentCutAnywhereAfterItsHeaderYieldsTheEntriesBeforeTheCutAsATornTail(
            @ForAll("records") List<byte[]> records, @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed)
            throws Exception {
        byte[] whole = segment(records, false);
        int header = SpillFormat.header(STREAM, false).length;
        int cut = header + cutSeed % (whole.length - header + 1);
        SpillSegmentReader.Content content = SpillSegmentReader.read(Arrays.copyOf(whole, cut));

        int complete = 0;
        long end = header;
        while (complete < records.size() && end + SpillFormat.entryBytes(records.get(complete).length) <= cut) {
            end += SpillFormat.entryBytes(records.get(complete).length);
            complete++;
        }
        assertThat(content.records()).containsExactlyElementsOf(records.subList(0, complete));
        assertThat(content.validBytes()).isEqualTo(end);
        assertThat(content.damage())
                .isEqualTo(end == cut ? SpillSegmentReader.Damage.NONE : SpillSegmentReader.Damage.TORN_TAIL);
    }

    @Property(tries = 300)
    void aFlippedByteAfterTheHeaderNeverYieldsARecordThatWasNotWritten(
            @ForAll("records") List<byte[]> records,
            @ForAll @IntRange(min = 0, max = 1_000_000) int positionSeed,
            @ForAll @IntRange(min = 1, max = 255) int flip)
            throws Exception {
        byte[] file = segment(records, false);
        int header = SpillFormat.header(STREAM, false).length;
        if (file.length == header) {
            return; // nothing after the header to damage
        }
        int position = header + positionSeed % (file.length - header);
        file[position] ^= (byte) flip;
        SpillSegmentReader.Content content = SpillSegmentReader.read(file);
        // A prefix of what was written, and fewer entries than were written: CRC32C catches every single-byte error.
        assertThat(content.records().size()).isLessThan(records.size());
        assertThat(content.records())
                .containsExactlyElementsOf(records.subList(0, content.records().size()));
        assertThat(content.damage()).isNotEqualTo(SpillSegmentReader.Damage.NONE);
    }

    @Property(tries = 500)
    void randomBytesAreRefusedWithATypedErrorOrYieldOnlyChecksummedEntries(
            @ForAll @Size(max = 4096) byte[] junk, @ForAll boolean afterAValidHeader) {
        byte[] input = junk;
        if (afterAValidHeader) {
            byte[] header = SpillFormat.header(STREAM, true);
            input = Arrays.copyOf(header, header.length + junk.length);
            System.arraycopy(junk, 0, input, header.length, junk.length);
        }
        try {
            SpillSegmentReader.Content content = SpillSegmentReader.read(input);
            assertThat(afterAValidHeader).as("random bytes passed as a header").isTrue();
            for (byte[] record : content.records()) {
                assertThat(record.length).isLessThanOrEqualTo(junk.length);
            }
        } catch (SpillSegmentReader.SpillFormatException e) {
            assertThat(afterAValidHeader)
                    .as("a valid header was refused: " + e.getMessage())
                    .isFalse();
            assertThat(e.getMessage()).isNotBlank();
        }
    }

    @Property(tries = 200)
    void aHeaderCutShortOrDamagedIsRefused(
            @ForAll @IntRange(min = 0, max = 1_000) int cutSeed, @ForAll @IntRange(min = 0, max = 1_000) int flipSeed) {
        byte[] header = SpillFormat.header(STREAM, false);
        byte[] cut = Arrays.copyOf(header, cutSeed % header.length);
        assertThatThrownBy(() -> SpillSegmentReader.read(cut))
                .isInstanceOf(SpillSegmentReader.SpillFormatException.class);
        byte[] flipped = header.clone();
        flipped[flipSeed % header.length] ^= 0x01;
        assertThatThrownBy(() -> SpillSegmentReader.read(flipped))
                .isInstanceOf(SpillSegmentReader.SpillFormatException.class);
    }

    @Test
    void aLengthOverTheRecordLimitIsDamageAndAllocatesNothing() throws Exception {
        byte[] header = SpillFormat.header(STREAM, false);
        byte[] file = ByteBuffer.allocate(header.length + 16)
                .put(header)
                .putInt(Integer.MAX_VALUE)
                .putInt(0)
                .putLong(42)
                .array();
        SpillSegmentReader.Content content = SpillSegmentReader.read(file);
        assertThat(content.records()).isEmpty();
        assertThat(content.damage()).isEqualTo(SpillSegmentReader.Damage.CORRUPT);
    }

    @Test
    void zerosAfterTheLastEntryAreATornTailNotDamage() throws Exception {
        byte[] written = segment(List.of(new byte[] {1, 2, 3}), false);
        byte[] file = Arrays.copyOf(written, written.length + 4096);
        SpillSegmentReader.Content content = SpillSegmentReader.read(file);
        assertThat(content.records()).containsExactly(new byte[] {1, 2, 3});
        assertThat(content.damage()).isEqualTo(SpillSegmentReader.Damage.TORN_TAIL);
        assertThat(content.validBytes()).isEqualTo(written.length);
    }

    @Test
    void aFileOfAnotherFormatVersionIsRefusedByName() {
        byte[] header = SpillFormat.header(STREAM, false);
        header[7] = 2;
        assertThatThrownBy(() -> SpillSegmentReader.read(header))
                .isInstanceOf(SpillSegmentReader.SpillFormatException.class)
                .hasMessageContaining("format version 1");
    }

    @Test
    void theFormatsLimitsAreInclusive() throws Exception {
        String longest = "s".repeat(SpillFormat.MAX_STREAM_NAME_BYTES);
        byte[] largest = new byte[SpillFormat.MAX_ENTRY_DATA_BYTES];
        largest[largest.length - 1] = 7;

        SpillSegmentReader.Content content = SpillSegmentReader.read(SpillSegments.of(longest, true, List.of(largest)));

        assertThat(content.streamName()).isEqualTo(longest);
        assertThat(content.records()).singleElement().isEqualTo(largest);
        assertThat(content.damage()).isEqualTo(SpillSegmentReader.Damage.NONE);
        assertThatThrownBy(() -> SpillFormat.header(longest + "s", false))
                .hasMessage("stream name of 256 bytes does not fit a spill header");
        assertThatThrownBy(() -> SpillFormat.header("", false))
                .hasMessage("stream name of 0 bytes does not fit a spill header");
        byte[] nameTooLong = SpillFormat.header(longest, false);
        ByteBuffer.wrap(nameTooLong).putShort(9, (short) 256);
        assertThatThrownBy(() -> SpillSegmentReader.read(nameTooLong))
                .hasMessage("spill header names a stream of 256 bytes (1 to 255 allowed)");
    }

    @Test
    void aFileEndingRightAfterTheNameLengthIsAHeaderCutShort() {
        byte[] fixedPartOnly = Arrays.copyOf(SpillFormat.header(STREAM, false), SpillFormat.MAGIC.length + 1 + 2);

        assertThatThrownBy(() -> SpillSegmentReader.read(fixedPartOnly))
                .hasMessage("spill header cut short: the file ends inside it");
        assertThatThrownBy(() -> SpillSegmentReader.read(Arrays.copyOf(fixedPartOnly, fixedPartOnly.length - 1)))
                .hasMessage("not a spill segment: 10 bytes, shorter than a header (11)");
    }

    @Provide
    Arbitrary<List<byte[]>> records() {
        Arbitrary<byte[]> record = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1_000).ofMaxSize(5_000));
        return record.list().ofMaxSize(20);
    }

    private static byte[] segment(List<byte[]> records, boolean envelope) {
        return SpillSegments.of(STREAM, envelope, records);
    }
}
