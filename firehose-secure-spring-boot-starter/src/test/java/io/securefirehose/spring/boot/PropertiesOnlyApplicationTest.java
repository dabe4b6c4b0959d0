package io.securefirehose.spring.boot;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.testkit.LocalFirehose;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A Spring Boot application with no code of its own but this class, configured by properties only
 * ({@code firehose.secure.*}, and the AWS SDK's {@code aws.accessKeyId} / {@code aws.secretAccessKey} for the
 * credentials, as the SDK's default chain reads them), sending over HTTPS to {@link LocalFirehose}.
 */
@SpringBootTest(classes = PropertiesOnlyApplicationTest.Application.class)
class PropertiesOnlyApplicationTest {

    /** The application: auto-configuration only. */
    @SpringBootApplication
    static class Application {}

    private static final LocalFirehose SERVER =
            LocalFirehose.builder().stream("events").start();

    @DynamicPropertySource
    static void firehose(DynamicPropertyRegistry registry) throws Exception {
        Path pem = Files.createTempFile("local-ca", ".pem");
        SERVER.writeTrustPem(pem);
        registry.add("firehose.secure.stream", () -> "events");
        registry.add("firehose.secure.region", SERVER::region);
        registry.add("firehose.secure.endpoint", () -> SERVER.endpoint().toString());
        registry.add("firehose.secure.trust-pem", pem::toString);
        registry.add("firehose.secure.linger", () -> "10ms");
        registry.add("firehose.secure.health.posture-check", () -> "false");
        System.setProperty("aws.accessKeyId", SERVER.credentials().accessKeyId());
        System.setProperty("aws.secretAccessKey", SERVER.credentials().secretAccessKey());
    }

    @AfterAll
    static void stop() {
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        SERVER.close();
    }

    @Autowired
    SecureFirehoseProducer producer;

    @Autowired
    MeterRegistry meters;

    @Test
    void aRecordSentThroughTheAutoConfiguredProducerIsStored() throws Exception {
        RecordReceipt receipt =
                producer.send("{\"event\":\"signup\"}".getBytes(UTF_8)).get(30, TimeUnit.SECONDS);

        assertThat(SERVER.records("events")).singleElement().satisfies(stored -> {
            assertThat(stored.recordId()).isEqualTo(receipt.recordId());
            assertThat(new String(stored.data(), UTF_8)).isEqualTo("{\"event\":\"signup\"}");
        });
        assertThat(meters.get("firehose.producer.records.sent").counter().count())
                .isEqualTo(1.0);
    }
}
