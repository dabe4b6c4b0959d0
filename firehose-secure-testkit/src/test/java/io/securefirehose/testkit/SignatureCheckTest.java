package io.securefirehose.testkit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The SigV4 check refuses whatever AWS would refuse, and never trusts a header for the body's hash. */
class SignatureCheckTest {

    @RegisterExtension
    static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("s1"));

    private static final byte[] BODY =
            "{\"DeliveryStreamName\":\"s1\",\"Records\":[{\"Data\":\"aGVsbG8=\"}]}".getBytes(UTF_8);

    @Test
    void aCorrectlySignedRawRequestIsAccepted(LocalFirehose server) throws Exception {
        RawClient.Response response = new RawClient(server).post("PutRecordBatch", BODY);
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.body()).contains("\"FailedPutCount\":0");
        assertThat(new String(server.records("s1").get(0).data(), UTF_8)).isEqualTo("hello");
    }

    @Test
    void aBodyChangedAfterSigningIsRefused(LocalFirehose server) throws Exception {
        byte[] tampered = "{\"DeliveryStreamName\":\"s1\",\"Records\":[{\"Data\":\"ZXZpbA==\"}]}".getBytes(UTF_8);
        RawClient.Response response =
                new RawClient(server).post("PutRecordBatch", BODY, tampered, Clock.systemUTC(), h -> h);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("InvalidSignatureException");
        assertThat(server.records("s1")).isEmpty();
    }

    @Test
    void aContentHashHeaderThatLiesAboutTheBodyIsRefused(LocalFirehose server) throws Exception {
        byte[] tampered = "{\"DeliveryStreamName\":\"s1\",\"Records\":[{\"Data\":\"ZXZpbA==\"}]}".getBytes(UTF_8);
        RawClient.Response response = new RawClient(server)
                .post("PutRecordBatch", BODY, tampered, Clock.systemUTC(), h -> {
                    h.put("x-amz-content-sha256", List.of("0".repeat(64)));
                    return h;
                });
        assertThat(response.body()).contains("InvalidSignatureException");
        assertThat(server.records("s1")).isEmpty();
    }

    @Test
    void aRequestWithoutSignatureIsRefused(LocalFirehose server) throws Exception {
        RawClient.Response response = new RawClient(server).post("PutRecordBatch", BODY, BODY, Clock.systemUTC(), h -> {
            h.remove("Authorization");
            return h;
        });
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("MissingAuthenticationTokenException");
    }

    @Test
    void aSignatureOlderThanFifteenMinutesIsRefused(LocalFirehose server) throws Exception {
        Clock stale = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-16));
        RawClient.Response response = new RawClient(server).post("PutRecordBatch", BODY, BODY, stale, h -> h);
        assertThat(response.body()).contains("InvalidSignatureException").contains("Signature expired");
    }

    @Test
    void aSignatureForAnotherRegionIsRefused(LocalFirehose server) throws Exception {
        RawClient.Response response = new RawClient(server, "eu-west-1").post("PutRecordBatch", BODY);
        assertThat(response.status()).isEqualTo(400);
        assertThat(response.body()).contains("InvalidSignatureException").contains("us-east-1");
    }
}
