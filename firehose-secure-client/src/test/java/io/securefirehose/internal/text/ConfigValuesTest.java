package io.securefirehose.internal.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The value forms of string configuration: each accepted one, and the refusals that say what is accepted. */
class ConfigValuesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "250ns, PT0.00000025S",
        "100us, PT0.0001S",
        "5ms, PT0.005S",
        "1s, PT1S",
        "2m, PT2M",
        "3h, PT3H",
        "1d, PT24H",
        "PT0.5S, PT0.5S",
        "P1DT1H, PT25H"
    })
    void durationsAreShortFormsOrIso8601(String text, String iso) {
        assertThat(ConfigValues.duration(text)).isEqualTo(Duration.parse(iso));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"5", "5 ms", "5sec", "-1s", "1.5s", "PT"})
    void anythingElseIsNotADuration(String text) {
        assertThatThrownBy(() -> ConfigValues.duration(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a duration: use a number with ns, us, ms, s, m, h or d");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "0, 0",
        "1024, 1024",
        "512B, 512",
        "4KiB, 4096",
        "32MiB, 33554432",
        "1GiB, 1073741824",
        "2TiB, 2199023255552",
        "32 MiB, 33554432"
    })
    void sizesAreBytesOrBinaryUnits(String text, long bytes) {
        assertThat(ConfigValues.bytes(text)).isEqualTo(bytes);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"32MB", "1kb", "1.5MiB", "-1", "MiB", "32mib"})
    void decimalUnitsAndOtherFormsAreRefused(String text) {
        assertThatThrownBy(() -> ConfigValues.bytes(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a size");
    }

    @Test
    void sizesThatOverflowAreRefused() {
        assertThatThrownBy(() -> ConfigValues.bytes("9000000TiB")).hasMessageContaining("too large a size");
        assertThatThrownBy(() -> ConfigValues.bytes("9999999999999999999")).hasMessageContaining("too large a size");
        assertThatThrownBy(() -> ConfigValues.intBytes("2GiB")).hasMessageContaining("at most 2147483647 bytes");
        assertThat(ConfigValues.intBytes("1GiB")).isEqualTo(1 << 30);
    }

    @Test
    void booleansNumbersAndLists() {
        assertThat(ConfigValues.bool("TRUE")).isTrue();
        assertThat(ConfigValues.bool("false")).isFalse();
        assertThatThrownBy(() -> ConfigValues.bool("1")).hasMessage("not a boolean: use true or false");
        assertThat(ConfigValues.integer("42")).isEqualTo(42);
        assertThatThrownBy(() -> ConfigValues.integer("4e2")).hasMessage("not a whole number");
        assertThat(ConfigValues.longInteger("4294967296")).isEqualTo(1L << 32);
        assertThat(ConfigValues.list(" a, b ,c")).containsExactly("a", "b", "c");
        assertThatThrownBy(() -> ConfigValues.list("a,,b")).hasMessageContaining("an empty item");
    }
}
