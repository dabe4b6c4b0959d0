package io.securefirehose.transport;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.ssl.OpenSsl;
import io.securefirehose.PlainListener;
import io.securefirehose.SecureFirehoseProducer;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/** Runs in a JVM without netty-tcnative on the class path (surefire execution {@code without-tcnative-jvm}). */
@Tag("without-tcnative-jvm")
class TlsEngineAbsentTest {

    @Test
    void askingForBoringSslWithoutItIsRefusedAtBuildNamingTheDependency() throws Exception {
        org.assertj.core.api.Assertions.assertThat(OpenSsl.isAvailable())
                .as("this JVM has no tcnative")
                .isFalse();
        try (PlainListener listener = PlainListener.start()) {
            assertThatThrownBy(() -> SecureFirehoseProducer.builder()
                            .deliveryStream("tls")
                            .region("us-east-1")
                            .endpoint(URI.create("https://localhost:" + listener.port()))
                            .credentialsProvider(AnonymousCredentialsProvider.create())
                            .tlsEngine(TlsEngine.BORINGSSL)
                            .linger(Duration.ZERO)
                            .build())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("io.netty:netty-tcnative-boringssl-static")
                    .hasMessageContaining("TlsEngine.JDK");
            org.assertj.core.api.Assertions.assertThat(listener.bytesReceived()).isZero();
        }
    }
}
