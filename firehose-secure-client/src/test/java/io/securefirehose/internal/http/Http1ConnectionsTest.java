package io.securefirehose.internal.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.securefirehose.TestTlsEngine;
import io.securefirehose.internal.tls.SecureConnector;
import io.securefirehose.internal.tls.SecureHttpClient;
import io.securefirehose.internal.tls.SecurityEvents;
import io.securefirehose.internal.wire.BodyBuffers;
import io.securefirehose.testkit.LocalFirehose;
import io.securefirehose.testkit.LocalFirehoseExtension;
import io.securefirehose.transport.HostResolver;
import io.securefirehose.transport.TlsPolicy;
import io.securefirehose.transport.TrustMaterial;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The producer's own connection pool against the local endpoint over real TLS: connections are reused, bounded,
 * replaced when the endpoint or a failure ends them, and not reused after a long idle time (on an injected clock).
 * The requests are unsigned: the endpoint answers each with an error, which is an answer all the same.
 */
class Http1ConnectionsTest {

    @RegisterExtension
    static final LocalFirehoseExtension FIREHOSE = new LocalFirehoseExtension(b -> b.stream("t"));

    private final AtomicLong nanos = new AtomicLong();
    private final List<Http1Connections> pools = new ArrayList<>();

    @AfterEach
    void closeAll() {
        pools.forEach(Http1Connections::close);
    }

    private Http1Connections pool(LocalFirehose server, int maxConnections) {
        SecureConnector connector = SecureConnector.create(
                "pool-test",
                server.endpoint(),
                new SecureHttpClient.Rules(
                        TrustMaterial.fromPem(server.trustPem()), TlsPolicy.MODERN, null, HostResolver.system()),
                TestTlsEngine.configured(),
                new SecurityEvents());
        Http1Connections pool = new Http1Connections(connector, maxConnections, new BodyBuffers(2), nanos::get);
        pools.add(pool);
        return pool;
    }

    private static ByteBuf request(LocalFirehose server, String... extraHeaders) {
        StringBuilder text = new StringBuilder("POST / HTTP/1.1\r\nHost: localhost:" + server.port() + "\r\n"
                + "Content-Type: application/x-amz-json-1.1\r\nX-Amz-Target: Firehose_20150804.PutRecordBatch\r\n"
                + "Content-Length: 2\r\n");
        for (String header : extraHeaders) {
            text.append(header).append("\r\n");
        }
        return Unpooled.copiedBuffer(text.append("\r\n{}"), US_ASCII);
    }

    private static int status(Http1Exchange.Call call) throws Exception {
        return call.result.get(20, TimeUnit.SECONDS).response().statusCode();
    }

    @Test
    void exchangesInTurnShareOneConnection(LocalFirehose server) throws Exception {
        server.reset();
        Http1Connections pool = pool(server, 4);
        for (int i = 0; i < 3; i++) {
            assertThat(status(pool.exchange(request(server)))).isBetween(400, 499);
        }
        assertThat(server.connectionsAccepted()).isEqualTo(1);
        assertThat(pool.openConnections()).isEqualTo(1);
    }

    @Test
    void noMoreThanMaxConnectionsOpenAndTheOtherExchangesWaitForOne(LocalFirehose server) throws Exception {
        server.reset();
        Http1Connections pool = pool(server, 2);
        server.pauseResponses();
        List<Http1Exchange.Call> calls = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                calls.add(pool.exchange(request(server)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> server.pausedResponses() == 2);
            assertThat(server.connectionsAccepted()).isEqualTo(2);
            assertThat(calls).noneMatch(c -> c.result.isDone());
        } finally {
            server.resumeResponses();
        }
        for (Http1Exchange.Call call : calls) {
            assertThat(status(call)).isBetween(400, 499);
        }
        assertThat(server.connectionsAccepted()).isEqualTo(2);
        assertThat(pool.openConnections()).isEqualTo(2);
    }

    @Test
    void aConnectionTheEndpointClosesAfterItsAnswerIsNotReused(LocalFirehose server) throws Exception {
        server.reset();
        Http1Connections pool = pool(server, 1);
        assertThat(status(pool.exchange(request(server, "Connection: close")))).isBetween(400, 499);
        assertThat(status(pool.exchange(request(server)))).isBetween(400, 499);
        assertThat(server.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void aConnectionIdleForTooLongIsClosedAndReplacedRatherThanReused(LocalFirehose server) throws Exception {
        server.reset();
        Http1Connections pool = pool(server, 1);
        status(pool.exchange(request(server)));
        nanos.addAndGet(Http1Connections.MAX_IDLE_NANOS - 1);
        status(pool.exchange(request(server)));
        assertThat(server.connectionsAccepted()).as("still fresh enough").isEqualTo(1);

        nanos.addAndGet(Http1Connections.MAX_IDLE_NANOS);
        status(pool.exchange(request(server)));

        assertThat(server.connectionsAccepted()).isEqualTo(2);
        await().atMost(Duration.ofSeconds(20)).until(() -> pool.openConnections() == 1);
    }

    @Test
    void anAbandonedExchangeClosesItsConnectionAndTheNextExchangeOpensAnother(LocalFirehose server) throws Exception {
        server.reset();
        Http1Connections pool = pool(server, 1);
        server.pauseResponses();
        try {
            Http1Exchange.Call slow = pool.exchange(request(server));
            await().atMost(Duration.ofSeconds(20)).until(() -> server.pausedResponses() == 1);

            assertThat(slow.fail(new IOException("timed out"))).isTrue();

            await().atMost(Duration.ofSeconds(20)).until(() -> pool.openConnections() == 0);
        } finally {
            server.resumeResponses();
        }
        assertThat(status(pool.exchange(request(server)))).isBetween(400, 499);
        assertThat(server.connectionsAccepted()).isEqualTo(2);
    }

    @Test
    void afterCloseExchangesFailAtOnceAndWaitingOnesAreFailed(LocalFirehose server) throws Exception {
        server.reset();
        Http1Connections pool = pool(server, 1);
        server.pauseResponses();
        Http1Exchange.Call first;
        Http1Exchange.Call waiting;
        try {
            first = pool.exchange(request(server));
            waiting = pool.exchange(request(server));
            await().atMost(Duration.ofSeconds(20)).until(() -> server.pausedResponses() == 1);
            pool.close();
        } finally {
            server.resumeResponses();
        }
        CompletableFuture<?> after = pool.exchange(request(server)).result;
        for (CompletableFuture<?> call : List.of(first.result, waiting.result, after)) {
            assertThat(catchThrowable(() -> call.get(20, TimeUnit.SECONDS))).isInstanceOf(ExecutionException.class);
        }
    }
}
