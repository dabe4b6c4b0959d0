package io.securefirehose.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Lines become records the same way whatever the block size: lines split across blocks, CRLF, a last line without
 * a newline, and a line longer than a record, which is refused with its size while its neighbours go on.
 */
class LineReaderTest {

    /** Collects records as text and refusals as "refused line N: B bytes". */
    private static LineReader.Sink collecting(List<String> out) {
        return new LineReader.Sink() {
            @Override
            public void record(byte[] record) {
                out.add(new String(record, UTF_8));
            }

            @Override
            public void tooLarge(long lineNumber, long bytes) {
                out.add("refused line " + lineNumber + ": " + bytes + " bytes");
            }
        };
    }

    private static List<String> read(String input, boolean strip, int max, int block) throws IOException {
        List<String> out = new ArrayList<>();
        new LineReader(new ByteArrayInputStream(input.getBytes(UTF_8)), strip, max, block)
                .readAll(collecting(out), () -> false);
        return out;
    }

    @ParameterizedTest(name = "blocks of {0} bytes")
    @ValueSource(ints = {1, 2, 3, 7, 64 * 1024})
    void linesKeepTheirNewlineAndTheLastLineNeedsNone(int block) throws IOException {
        assertThat(read("a\nbb\n\nccc", false, 100, block)).containsExactly("a\n", "bb\n", "\n", "ccc");
    }

    @ParameterizedTest(name = "blocks of {0} bytes")
    @ValueSource(ints = {1, 3, 64 * 1024})
    void strippingDropsTheNewlineAndACarriageReturnBeforeIt(int block) throws IOException {
        assertThat(read("a\r\nb\r\r\nc\n", true, 100, block)).containsExactly("a", "b\r", "c");
    }

    @ParameterizedTest(name = "blocks of {0} bytes")
    @ValueSource(ints = {1, 4, 5, 64 * 1024})
    void aLineLongerThanARecordIsRefusedWithItsSizeAndItsNeighboursGoOn(int block) throws IOException {
        assertThat(read("ok\n123456\n12345\nlast", false, 5, block))
                .containsExactly("ok\n", "refused line 2: 7 bytes", "12345\n", "last");
        assertThat(read("123456\n", true, 5, block)).containsExactly("refused line 1: 6 bytes");
        assertThat(read("x\n1234567", false, 5, block)).containsExactly("x\n", "refused line 2: 7 bytes");
    }

    @ParameterizedTest(name = "blocks of {0} bytes")
    @ValueSource(ints = {1, 4096})
    void aLongLineGrowsTheBufferUpToTheLimit(int block) throws IOException {
        String big = "y".repeat(20_000);
        assertThat(read(big + "\n" + big + "y\n", false, 20_000, block))
                .containsExactly(big + "\n", "refused line 2: 20002 bytes");
    }

    @ParameterizedTest(name = "blocks of {0} bytes")
    @ValueSource(ints = {1, 64 * 1024})
    void readingStopsWhenAsked(int block) throws IOException {
        List<String> out = new ArrayList<>();
        new LineReader(new ByteArrayInputStream("a\nb\nc\n".getBytes(UTF_8)), false, 10, block)
                .readAll(collecting(out), () -> out.size() >= 2);
        assertThat(out).containsExactly("a\n", "b\n");
    }
}
