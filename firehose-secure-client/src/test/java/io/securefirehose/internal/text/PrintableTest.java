package io.securefirehose.internal.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PrintableTest {

    @Test
    void plainTextIsKept() {
        assertThat(Printable.of("arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders-ü-日本"))
                .isEqualTo("arn:aws:firehose:eu-west-1:111122223333:deliverystream/orders-ü-日本");
        assertThat(Printable.of("emoji \uD83D\uDE00 stays")).isEqualTo("emoji \uD83D\uDE00 stays");
    }

    @Test
    void controlFormatAndSurrogateCharactersAndTheBackslashAreEscaped() {
        assertThat(Printable.of("a\u001b[2Jb\r\nc\u0000d\u007fe\u0085f"))
                .isEqualTo("a\\u001b[2Jb\\u000d\\u000ac\\u0000d\\u007fe\\u0085f");
        assertThat(Printable.of("left\u202eright\u200b")).isEqualTo("left\\u202eright\\u200b");
        assertThat(Printable.of("lone \uD800 high")).isEqualTo("lone \\ud800 high");
        assertThat(Printable.of("\\u001b")).as("an escape cannot be forged").isEqualTo("\\u005cu001b");
        assertThat(Printable.of("line\u2028sep")).isEqualTo("line\\u2028sep");
    }

    @Test
    void longInputIsCutAndMarked() {
        String escaped = Printable.of("x".repeat(Printable.MAX_CHARS + 10));
        assertThat(escaped).isEqualTo("x".repeat(Printable.MAX_CHARS) + "...(10 more characters)");
    }
}
