package io.securefirehose.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * The endpoint's request reader on written, cut and random bodies: it returns exactly what a body holds or refuses
 * it with {@link FirehoseJson.MalformedRequestException} (answered as {@code SerializationException}), never another
 * exception.
 */
class FirehoseJsonTest {

    @Property(tries = 200)
    void aWrittenBodyReadsBackItsStreamAndEveryRecord(
            @ForAll("records") List<byte[]> records, @ForAll("streamNames") String stream, @ForAll boolean keepData)
            throws Exception {
        byte[] body = body(stream, records);
        FirehoseJson.Input input = FirehoseJson.parse(body, body.length, "Records", keepData);

        assertThat(input.streamName()).isEqualTo(stream);
        assertThat(input.sizes())
                .containsExactly(records.stream().mapToInt(r -> r.length).toArray());
        if (keepData) {
            assertThat(input.data()).containsExactlyElementsOf(records);
        } else {
            assertThat(input.data()).isNull();
        }
    }

    @Property(tries = 300)
    void aBodyCutAnywhereIsRefused(
            @ForAll("records") List<byte[]> records, @ForAll @IntRange(min = 0, max = 1_000_000) int cutSeed) {
        byte[] body = body("orders", records);
        int cut = cutSeed % body.length; // a strict prefix: the object is never closed
        assertThatThrownBy(() -> FirehoseJson.parse(body, cut, "Records", true))
                .isInstanceOf(FirehoseJson.MalformedRequestException.class);
        byte[] padded = Arrays.copyOf(body, body.length + 16);
        assertThatThrownBy(() -> FirehoseJson.parse(padded, cut, "Records", false))
                .as("bytes beyond the given length are not read")
                .isInstanceOf(FirehoseJson.MalformedRequestException.class);
    }

    @Property(tries = 500)
    void randomBodiesAreReadOrRefusedWithTheTypedError(@ForAll("junk") byte[] junk, @ForAll boolean afterAValidStart) {
        byte[] body = junk;
        if (afterAValidStart) {
            byte[] start =
                    "{\"DeliveryStreamName\":\"orders\",\"Records\":[{\"Data\":\"".getBytes(StandardCharsets.UTF_8);
            body = Arrays.copyOf(start, start.length + junk.length);
            System.arraycopy(junk, 0, body, start.length, junk.length);
        }
        try {
            FirehoseJson.Input input = FirehoseJson.parse(body, body.length, "Records", true);
            assertThat(input.data()).hasSameSizeAs(input.sizes());
            assertThat(input.totalBytes()).isLessThanOrEqualTo(body.length);
        } catch (FirehoseJson.MalformedRequestException refused) {
            assertThat(refused.getMessage()).isNotBlank();
        }
    }

    @Test
    void dataThatIsNotBase64IsRefusedNamingTheCharacter() {
        byte[] body =
                "{\"DeliveryStreamName\":\"s\",\"Records\":[{\"Data\":\"QUJD*A==\"}]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FirehoseJson.parse(body, body.length, "Records", false))
                .isInstanceOf(FirehoseJson.MalformedRequestException.class)
                .hasMessageContaining(
                        "illegal character at offset " + new String(body, StandardCharsets.UTF_8).indexOf('*'));
        assertThatThrownBy(() -> FirehoseJson.parse(body, body.length, "Records", true))
                .isInstanceOf(FirehoseJson.MalformedRequestException.class)
                .hasMessageContaining("Illegal base64 character 2a");
        byte[] noData = "{\"Records\":[{\"Other\":1}]}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> FirehoseJson.parse(noData, noData.length, "Records", true))
                .hasMessageContaining("a record has no Data member");
    }

    @Provide
    Arbitrary<List<byte[]>> records() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(200).list().ofMaxSize(30);
    }

    @Provide
    Arbitrary<String> streamNames() {
        return Arbitraries.strings().ofMinLength(1).ofMaxLength(64);
    }

    @Provide
    Arbitrary<byte[]> junk() {
        Arbitrary<Byte> structural = Arbitraries.of(
                        '{', '}', '[', ']', '"', ':', ',', 'A', 'Q', '=', '/', '+', ' ', '\\')
                .map(c -> (byte) c.charValue());
        return Arbitraries.oneOf(structural, Arbitraries.bytes())
                .array(byte[].class)
                .ofMaxSize(512);
    }

    private static byte[] body(String stream, List<byte[]> records) {
        StringBuilder json = new StringBuilder("{\"DeliveryStreamName\":");
        json.append(jsonString(stream)).append(",\"Records\":[");
        for (int i = 0; i < records.size(); i++) {
            json.append(i == 0 ? "" : ",")
                    .append("{\"Data\":\"")
                    .append(Base64.getEncoder().encodeToString(records.get(i)))
                    .append("\"}");
        }
        return json.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        value.codePoints().forEach(c -> {
            if (c == '"' || c == '\\' || c < 0x20 || (c >= 0xD800 && c <= 0xDFFF)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.append('"').toString();
    }
}
