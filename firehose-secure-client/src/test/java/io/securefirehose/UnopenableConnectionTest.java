package io.securefirehose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.securefirehose.crypto.KmsDataKeyDecrypter;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/**
 * A first connection that cannot open ends its call with its own cause: a refused connection with
 * {@link ConnectException}, a name that does not resolve with {@link UnknownHostException}; never with the AWS SDK's
 * "Acquire operation took longer" after 10 s, which its connection pool used to report instead now and then (1 call
 * in 10 to 100 here). Each call is a fresh client, so each is the pool's first connection. The mechanism that makes
 * this hold is proved deterministically by {@code IoEventLoopsTest}; this test shows the outcome through a real
 * client. Runs in the surefire execution {@code vpce-hosts-jvm}, whose hosts file answers every other name with
 * "unknown" at once, so no lookup leaves the machine.
 */
@Tag("vpce-hosts-jvm")
class UnopenableConnectionTest {

    private static final int CALLS = 20;

    private static Throwable rootCauseOfACallTo(URI endpoint) {
        Throwable failure;
        try (KmsDataKeyDecrypter kms = KmsDataKeyDecrypter.builder()
                .region(Region.US_EAST_1)
                .endpoint(endpoint)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "not-a-secret")))
                .requestTimeout(Duration.ofSeconds(60))
                .build()) {
            failure = catchThrowable(() -> kms.decrypt(new byte[32], Map.of("k", "v")));
        }
        assertThat(failure).isNotNull();
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    @Test
    void aRefusedFirstConnectionFailsWithConnectException() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        URI endpoint = URI.create("https://localhost:" + closedPort);

        for (int call = 0; call < CALLS; call++) {
            assertThat(rootCauseOfACallTo(endpoint)).as("call %d", call).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void aNameThatDoesNotResolveFailsWithUnknownHostException() {
        URI endpoint = URI.create("https://kms.unresolvable.invalid");

        for (int call = 0; call < CALLS; call++) {
            assertThat(rootCauseOfACallTo(endpoint))
                    .as("call %d", call)
                    .isInstanceOf(UnknownHostException.class)
                    .hasMessageContaining("kms.unresolvable.invalid");
        }
    }
}
