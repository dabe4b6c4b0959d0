package io.securefirehose.testkit.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The local STS and KMS request readers on random bodies: every body gets an answer (a form, or KMS's 200 or 400
 * with an error code), never an exception that would drop the connection instead.
 */
class RequestParsersTest {

    private static final String KEY = "1234abcd-12ab-34cd-56ef-1234567890ab";

    @Property(tries = 500)
    void anStsBodyIsAFormOrRefusedAsMalformed(@ForAll("formLike") byte[] body) {
        try {
            Map<String, String> form = LocalSts.parseForm(body, body.length);
            assertThat(form.keySet()).allSatisfy(key -> assertThat(key).isNotNull());
        } catch (IllegalArgumentException malformed) {
            LocalSts.Answer answer = LocalSts.malformedQuery(String.valueOf(malformed.getMessage()));
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.body()).contains("<Code>MalformedQueryString</Code>");
        }
    }

    @Property(tries = 500)
    void everyKmsBodyGetsAnAnswer(@ForAll("jsonLike") byte[] junk, @ForAll boolean decrypt) {
        LocalKms kms = new LocalKms(Map.of(KEY, List.of()), "eu-west-1", "111122223333");
        String operation = decrypt ? "Decrypt" : "GenerateDataKey";
        byte[] start = ("{\"KeyId\":\"" + KEY + "\",").getBytes(StandardCharsets.UTF_8);
        byte[] body = Arrays.copyOf(start, start.length + junk.length);
        System.arraycopy(junk, 0, body, start.length, junk.length);

        for (byte[] request : List.of(junk, body)) {
            LocalKms.Answer answer =
                    kms.serve(operation, request, request.length, "AKIDEXAMPLE", (caller, action, key, keys) -> null);
            assertThat(answer.status()).isIn(200, 400);
            if (answer.status() == 400) {
                assertThat(answer.errorCode()).isNotBlank();
            }
        }
    }

    @Provide
    Arbitrary<byte[]> formLike() {
        Arbitrary<Byte> structural =
                Arbitraries.of('%', '&', '=', '+', 'A', '0', 'f', 'z').map(c -> (byte) c.charValue());
        return Arbitraries.oneOf(structural, Arbitraries.bytes())
                .array(byte[].class)
                .ofMaxSize(256);
    }

    @Provide
    Arbitrary<byte[]> jsonLike() {
        Arbitrary<String> pieces = Arbitraries.of(
                "{",
                "}",
                "[",
                "]",
                ":",
                ",",
                "\"",
                "\"KeySpec\"",
                "\"AES_256\"",
                "\"NumberOfBytes\"",
                "99999999999",
                "-1",
                "32",
                "\"CiphertextBlob\"",
                "\"AAAA\"",
                "\"!!\"",
                "\"EncryptionContext\"",
                "null",
                "true");
        return pieces.list().ofMaxSize(30).map(list -> String.join("", list).getBytes(StandardCharsets.UTF_8));
    }
}
