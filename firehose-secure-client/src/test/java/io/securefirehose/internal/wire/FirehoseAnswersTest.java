package io.securefirehose.internal.wire;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Reading answers: well-formed ones exactly, anything else as a typed, retriable malformed-answer error. */
class FirehoseAnswersTest {

    @Property(tries = 200)
    void aWellFormedAnswerIsReadEntryByEntry(
            @ForAll @Size(max = 500) List<@net.jqwik.api.From("entries") String> entries,
            @ForAll boolean encrypted,
            @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 600) int expectedEntries) {
        byte[] body = answer(entries, encrypted).getBytes(UTF_8);
        // However many entries the caller expected: the arrays grow or shrink to what the answer holds.
        BatchResponse response = FirehoseAnswers.batch(body, body.length, expectedEntries);
        assertThat(response.size()).isEqualTo(entries.size());
        assertThat(response.encrypted()).isEqualTo(encrypted);
        for (int i = 0; i < entries.size(); i++) {
            String entry = entries.get(i);
            if (entry.startsWith("!")) {
                assertThat(response.errorCode(i)).isEqualTo(entry.substring(1));
                assertThat(response.recordId(i)).isNull();
            } else {
                assertThat(response.recordId(i)).isEqualTo(entry);
                assertThat(response.errorCode(i)).isNull();
            }
        }
    }

    @Property(tries = 300)
    void anyTruncationOfAnAnswerIsATypedError(
            @ForAll @Size(min = 1, max = 20) List<@net.jqwik.api.From("entries") String> entries,
            @ForAll @IntRange(min = 0, max = 10_000) int cut) {
        byte[] body = answer(entries, true).getBytes(UTF_8);
        int length = cut % body.length;
        assertThatThrownBy(() -> FirehoseAnswers.batch(body, length))
                .isInstanceOf(FirehoseAnswers.MalformedResponseException.class)
                .hasMessageStartingWith("malformed PutRecordBatch response: ");
    }

    /** A response that is read says of each entry exactly one thing: its record id, or its error code. */
    private static void assertEveryEntrySettles(BatchResponse response) {
        for (int i = 0; i < response.size(); i++) {
            assertThat(response.recordId(i) == null)
                    .as("entry %d: record id %s, error code %s", i, response.recordId(i), response.errorCode(i))
                    .isNotEqualTo(response.errorCode(i) == null);
        }
    }

    @Property(tries = 500)
    void arbitraryBytesAreReadOrRefusedWithATypedError(@ForAll @Size(max = 300) byte[] garbage) {
        try {
            assertEveryEntrySettles(FirehoseAnswers.batch(garbage, garbage.length));
        } catch (FirehoseAnswers.MalformedResponseException expected) {
            assertThat(expected).hasMessageStartingWith("malformed PutRecordBatch response: ");
        }
    }

    @Property(tries = 300)
    void arbitraryJsonLikeTextIsReadOrRefusedWithATypedError(@ForAll("jsonish") String text) {
        byte[] body = text.getBytes(UTF_8);
        try {
            assertEveryEntrySettles(FirehoseAnswers.batch(body, body.length));
        } catch (FirehoseAnswers.MalformedResponseException expected) {
            assertThat(expected).hasMessageStartingWith("malformed PutRecordBatch response: ");
        }
    }

    @Example
    void deeplyNestedUnknownFieldsAreRefusedNotFollowed() {
        byte[] body =
                ("{\"X\":" + "[".repeat(10_000) + "]".repeat(10_000) + ",\"RequestResponses\":[]}").getBytes(UTF_8);
        assertThatThrownBy(() -> FirehoseAnswers.batch(body, body.length))
                .isInstanceOf(FirehoseAnswers.MalformedResponseException.class);
    }

    @Example
    void anEntryWithNeitherIdNorCodeIsMalformed() {
        byte[] body = "{\"RequestResponses\":[{\"RecordId\":\"a\"},{}]}".getBytes(UTF_8);
        assertThatThrownBy(() -> FirehoseAnswers.batch(body, body.length))
                .isInstanceOf(FirehoseAnswers.MalformedResponseException.class)
                .hasMessageContaining("entry 1 has neither a RecordId nor an ErrorCode");
    }

    @Provide
    Arbitrary<String> entries() {
        return Arbitraries.oneOf(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(80),
                Arbitraries.of("!ServiceUnavailableException", "!InternalFailure"));
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings()
                .withChars('{', '}', '[', ']', '"', ':', ',', 'a', '1', ' ', '\\', 'n', 't')
                .ofMaxLength(60)
                .map(s -> "{\"RequestResponses\":" + s);
    }

    private static String answer(List<String> entries, boolean encrypted) {
        List<String> json = new ArrayList<>();
        int failed = 0;
        for (String entry : entries) {
            if (entry.startsWith("!")) {
                failed++;
                json.add("{\"ErrorCode\":\"" + entry.substring(1) + "\",\"ErrorMessage\":\"m\"}");
            } else {
                json.add("{\"RecordId\":\"" + entry + "\"}");
            }
        }
        return "{\"FailedPutCount\":" + failed + ",\"Encrypted\":" + encrypted + ",\"RequestResponses\":["
                + String.join(",", json) + "]}";
    }
}
