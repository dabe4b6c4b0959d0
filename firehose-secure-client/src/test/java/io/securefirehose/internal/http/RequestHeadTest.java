package io.securefirehose.internal.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;

class RequestHeadTest {

    private static SdkHttpRequest.Builder post() {
        return SdkHttpRequest.builder().method(SdkHttpMethod.POST).uri(URI.create("https://firehose.test:8443/"));
    }

    @Test
    void theHeadIsTheRequestLineAndEveryHeaderThenAnEmptyLine() {
        byte[] head = RequestHead.of(post().putHeader("Host", "firehose.test:8443")
                .putHeader("Content-Length", "2")
                .appendHeader("X-Two", "a")
                .appendHeader("X-Two", "b\tc")
                .build());
        assertThat(new String(head, US_ASCII))
                .startsWith("POST / HTTP/1.1\r\n")
                .contains("Host: firehose.test:8443\r\n", "Content-Length: 2\r\n", "X-Two: a\r\nX-Two: b\tc\r\n")
                .endsWith("\r\n\r\n");
    }

    @Test
    void aValueWithALineBreakIsNeverWrittenBecauseItCouldSmuggleASecondRequest() {
        assertThatThrownBy(() -> RequestHead.of(post().putHeader("X-Amz-Security-Token", "abc\r\nGET /evil HTTP/1.1")
                        .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("X-Amz-Security-Token")
                .hasMessageContaining("0xd at 3");
    }

    @Test
    void aValueWithANonAsciiCharacterIsRefused() {
        assertThatThrownBy(() -> RequestHead.of(
                        post().putHeader("User-Agent", "caf\u00e9").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0xe9 at 3");
    }

    @Test
    void aHeaderNameThatIsNotATokenIsRefused() {
        assertThatThrownBy(
                        () -> RequestHead.of(post().putHeader("Bad Name", "x").build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"Bad Name\" is not an HTTP token");
    }
}
