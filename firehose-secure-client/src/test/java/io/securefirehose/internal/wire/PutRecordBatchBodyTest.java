package io.securefirehose.internal.wire;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.internal.http.SdkBatchTransport;
import io.securefirehose.internal.producer.TestRecords;
import io.securefirehose.records.FirehoseLimits;
import io.securefirehose.testkit.CannedAnswerHttpClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.firehose.FirehoseAsyncClient;

/**
 * The lean body against the AWS SDK's own marshaller: for any batch and any stream name, both parse to the same
 * JSON value.
 */
class PutRecordBatchBodyTest {

    private static CannedAnswerHttpClient sdkWire;
    private static FirehoseAsyncClient sdk;

    @BeforeContainer
    static void startSdk() {
        sdkWire = CannedAnswerHttpClient.answering(
                "{\"FailedPutCount\":0,\"RequestResponses\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                true);
        sdk = FirehoseAsyncClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "s")))
                .endpointOverride(java.net.URI.create("https://localhost"))
                .httpClient(sdkWire)
                .build();
    }

    @AfterContainer
    static void stopSdk() {
        sdk.close();
    }

    @Property(tries = 150)
    void anyBatchIsTheSameJsonAsTheSdkMarshallers(
            @ForAll("streamNames") String streamName, @ForAll @Size(max = 500) List<@Size(max = 1500) byte[]> records) {
        assertSameAsSdk(streamName, records);
    }

    @Example
    void theLargestRecordAndTheLargestBatchAreTheSameJsonAsTheSdkMarshallers() {
        SplittableRandom random = new SplittableRandom(20261129);
        byte[] largest = new byte[FirehoseLimits.MAX_RECORD_BYTES];
        random.nextBytes(largest);
        assertSameAsSdk("stream", List.of(largest));
        List<byte[]> full = new ArrayList<>();
        int each = FirehoseLimits.MAX_BYTES_PER_BATCH / FirehoseLimits.MAX_RECORDS_PER_BATCH;
        for (int i = 0; i < FirehoseLimits.MAX_RECORDS_PER_BATCH; i++) {
            byte[] record = new byte[each - i % 3];
            random.nextBytes(record);
            full.add(record);
        }
        assertSameAsSdk("stream", full);
    }

    @Example
    void anEmptyBatchIsTheSameJsonAsTheSdkMarshallers() {
        assertSameAsSdk("stream", List.of());
    }

    @Property(tries = 300)
    void base64IsRfc4648WithPadding(@ForAll @Size(max = 64) byte[] data, @ForAll("offsets") int at) {
        byte[] out = new byte[at + (int) PutRecordBatchBody.base64Length(data.length) + 3];
        Arrays.fill(out, (byte) '#');
        int end = PutRecordBatchBody.base64(data, out, at);
        byte[] expected = Base64.getEncoder().encode(data);
        assertThat(end - at).isEqualTo(expected.length);
        assertThat(Arrays.copyOfRange(out, at, end)).isEqualTo(expected);
        byte[] untouched = new byte[out.length - expected.length];
        Arrays.fill(untouched, (byte) '#');
        byte[] around = new byte[untouched.length];
        System.arraycopy(out, 0, around, 0, at);
        System.arraycopy(out, end, around, at, out.length - end);
        assertThat(around).as("bytes outside the written range").isEqualTo(untouched);
    }

    @Example
    void bodiesComeFromThePoolOnceGivenBack() {
        BodyBuffers buffers = new BodyBuffers(2);
        PutRecordBatchBody bodies = new PutRecordBatchBody("s");
        PutRecordBatchBody.Body first = bodies.write(TestRecords.own(List.of(new byte[100])), buffers);
        buffers.release(first.bytes());
        PutRecordBatchBody.Body second = bodies.write(TestRecords.own(List.of(new byte[200])), buffers);
        assertThat(second.bytes()).isSameAs(first.bytes());
        PutRecordBatchBody.Body third = bodies.write(TestRecords.own(List.of(new byte[300])), buffers);
        assertThat(third.bytes()).isNotSameAs(second.bytes());
    }

    @Example
    void arraysAreSizedInPowersOfTwoUpToThePooledMaximumThenExactly() {
        assertThat(BodyBuffers.sizeFor(1)).isEqualTo(64 * 1024);
        assertThat(BodyBuffers.sizeFor(64 * 1024 + 1)).isEqualTo(128 * 1024);
        assertThat(BodyBuffers.sizeFor(4 * 1024 * 1024)).isEqualTo(4 * 1024 * 1024);
        assertThat(BodyBuffers.sizeFor(5_600_000)).as("a full batch").isEqualTo(BodyBuffers.MAX_POOLED_BYTES);
        assertThat(BodyBuffers.sizeFor(7_000_000)).isEqualTo(7_000_000);
        assertThat(BodyBuffers.sizeFor(Integer.MAX_VALUE - 8)).isEqualTo(Integer.MAX_VALUE - 8);
    }

    @Example
    void thePoolKeepsAtMostItsLimitAndPrefersLargeArrays() {
        BodyBuffers buffers = new BodyBuffers(2);
        byte[] small = buffers.acquire(10);
        byte[] medium = buffers.acquire(100_000);
        byte[] large = buffers.acquire(1_000_000);
        buffers.release(small);
        buffers.release(medium);
        buffers.release(large);
        assertThat(buffers.pooledCount()).isEqualTo(2);
        assertThat(buffers.acquire(900_000)).isSameAs(large);
        assertThat(buffers.acquire(50_000)).isSameAs(medium);
        byte[] huge = buffers.acquire(BodyBuffers.MAX_POOLED_BYTES + 1);
        assertThat(huge.length).isGreaterThan(BodyBuffers.MAX_POOLED_BYTES);
        buffers.release(huge);
        assertThat(buffers.pooledCount()).isZero();
    }

    @Provide
    Arbitrary<String> streamNames() {
        return Arbitraries.oneOf(
                Arbitraries.strings()
                        .withCharRange('a', 'z')
                        .numeric()
                        .withChars('_', '.', '-')
                        .ofMinLength(1)
                        .ofMaxLength(64),
                Arbitraries.strings().all().ofMinLength(1).ofMaxLength(40),
                Arbitraries.of(
                        "quo\"te",
                        "back\\slash",
                        "new\nline",
                        "tab\t",
                        "nul\u0000",
                        "ctl\u001f",
                        "uni\u00e9\u4e2d",
                        "emoji\ud83d\ude00",
                        "sep\u2028",
                        "lone\ud800",
                        "\udc00low",
                        "pair\ud83d\ude00ok"));
    }

    @Provide
    Arbitrary<Integer> offsets() {
        return Arbitraries.integers().between(0, 7);
    }

    /** The lean body, from records in their own arrays and from records held as base64 in slabs. */
    private static void assertSameAsSdk(String streamName, List<byte[]> records) {
        sdk.putRecordBatch(SdkBatchTransport.request(streamName, TestRecords.own(records)))
                .join();
        byte[] expected = sdkWire.lastBody();
        Object sdkTree = JsonTree.parse(expected, expected.length);
        PutRecordBatchBody bodies = new PutRecordBatchBody(streamName);
        PutRecordBatchBody.Body fromOwn = bodies.write(TestRecords.own(records), new BodyBuffers(0));
        PutRecordBatchBody.Body fromSlabs = bodies.write(TestRecords.asHeld(records), new BodyBuffers(0));
        assertThat(JsonTree.parse(fromOwn.bytes(), fromOwn.length())).isEqualTo(sdkTree);
        assertThat(Arrays.copyOf(fromSlabs.bytes(), fromSlabs.length()))
                .isEqualTo(Arrays.copyOf(fromOwn.bytes(), fromOwn.length()));
    }
}
