package io.securefirehose.samples.spring;

import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.StreamPosture;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring Boot service that sends the events posted to it to Firehose through the starter: {@code POST /events}
 * ({@link EventsController}), {@code /actuator/health} (the starter's {@code firehose} indicator) and
 * {@code /actuator/prometheus} (the producer's meters). Configured by properties only ({@code application.properties}).
 *
 * <p>Without {@code firehose.secure.stream} set (in the environment as {@code FIREHOSE_SECURE_STREAM}, or as an
 * argument), {@link #main} starts the testkit's {@link LocalFirehose} in this JVM and points the service at it, so
 * the sample runs without an AWS account.
 */
@SpringBootApplication
public class EventsApplication {

    /**
     * @param args Spring Boot arguments, such as {@code --server.port=8080} or
     *     {@code --firehose.secure.stream=my-stream --firehose.secure.region=eu-west-1}
     * @throws IOException if the embedded endpoint's trust PEM cannot be written
     */
    public static void main(String[] args) throws IOException {
        SpringApplication application = new SpringApplication(EventsApplication.class);
        boolean configured = System.getenv("FIREHOSE_SECURE_STREAM") != null
                || java.util.Arrays.stream(args).anyMatch(arg -> arg.startsWith("--firehose.secure.stream="));
        if (!configured) {
            LocalFirehose local = startLocal();
            Runtime.getRuntime().addShutdownHook(new Thread(local::close, "local-firehose-stop"));
            application.setDefaultProperties(new LinkedHashMap<>(localProperties(local)));
            System.out.println("Sending to LocalFirehose, embedded: " + local.endpoint());
        }
        application.run(args);
    }

    /**
     * Starts the embedded endpoint with a stream {@code events} whose posture is compliant (server-side encryption
     * with a customer managed key), so that the health indicator is {@code UP} as it would be for a well-set stream.
     *
     * @return the running endpoint
     */
    static LocalFirehose startLocal() {
        String key = "5e6f7a8b-1c2d-4e3f-8a9b-0c1d2e3f4a5b";
        return LocalFirehose.builder().region("eu-west-1").accountId("111122223333").kmsKey(key).stream(
                        "events", StreamPosture.compliant("arn:aws:kms:eu-west-1:111122223333:key/" + key))
                .start();
    }

    /**
     * The properties that point the starter at an embedded endpoint: its stream, region, endpoint and CA, and its
     * credentials as the AWS SDK's default chain reads them.
     *
     * @param local the endpoint
     * @return the properties
     * @throws IOException if the trust PEM cannot be written
     */
    static Map<String, Object> localProperties(LocalFirehose local) throws IOException {
        Path pem = Files.createTempFile("local-firehose-ca", ".pem");
        pem.toFile().deleteOnExit();
        local.writeTrustPem(pem);
        System.setProperty("aws.accessKeyId", local.credentials().accessKeyId());
        System.setProperty("aws.secretAccessKey", local.credentials().secretAccessKey());
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("firehose.secure.stream", "events");
        properties.put("firehose.secure.region", local.region());
        properties.put("firehose.secure.endpoint", local.endpoint().toString());
        properties.put("firehose.secure.trust-pem", pem.toString());
        return properties;
    }
}
