package io.securefirehose.internal.http;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.securefirehose.internal.wire.BodyBuffers;
import io.securefirehose.internal.wire.FirehoseAnswers;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * One connection's answers, through Netty's real HTTP/1.1 decoder in an in-memory channel: what completes an
 * exchange, when the connection goes back to the pool, and what closes it instead.
 */
class Http1ExchangeTest {

    private final List<Boolean> givenBack = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel(
            new HttpResponseDecoder(),
            new Http1Exchange((Channel connection, boolean reusable) -> givenBack.add(reusable), new BodyBuffers(2)));

    private Http1Exchange.Call begin() {
        Http1Exchange.Call call = new Http1Exchange.Call();
        channel.pipeline().get(Http1Exchange.class).begin(call);
        call.carriedBy(channel);
        return call;
    }

    private void answer(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, US_ASCII));
    }

    private static Throwable failure(Http1Exchange.Call call) {
        assertThat(call.result).isCompletedExceptionally();
        try {
            call.result.join();
            throw new AssertionError("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    @Test
    void aKeptAliveAnswerCompletesTheCallAfterTheConnectionIsBackInThePool() {
        Http1Exchange.Call call = begin();
        List<Boolean> givenBackWhenCompleted = new ArrayList<>();
        CompletableFuture<Void> observed = call.result.thenRun(() -> givenBackWhenCompleted.addAll(givenBack));

        answer("HTTP/1.1 200 OK\r\nContent-Length: 13\r\nx-amzn-RequestId: r-1\r\n\r\n{\"a\":\"12345\"}");

        observed.join();
        assertThat(givenBackWhenCompleted).containsExactly(true);
        Http1Exchange.Answer answer = call.result.join();
        assertThat(answer.response().statusCode()).isEqualTo(200);
        assertThat(answer.response().firstMatchingHeader("x-amzn-RequestId")).hasValue("r-1");
        assertThat(new String(answer.bytes(), 0, answer.length(), US_ASCII)).isEqualTo("{\"a\":\"12345\"}");
        assertThat(channel.isOpen()).isTrue();
    }

    @Test
    void anAnswerKeepsItsBytesWhenThePoolStartsTheNextExchangeOnTheConnectionAtOnce() {
        // As the pool does for a request that waited for a connection: the next exchange begins inside release().
        Http1Exchange.Call next = new Http1Exchange.Call();
        List<Http1Exchange> handler = new ArrayList<>();
        EmbeddedChannel busy = new EmbeddedChannel(
                new HttpResponseDecoder(),
                new Http1Exchange((connection, reusable) -> handler.get(0).begin(next), new BodyBuffers(2)));
        handler.add(busy.pipeline().get(Http1Exchange.class));
        Http1Exchange.Call first = new Http1Exchange.Call();
        handler.get(0).begin(first);
        first.carriedBy(busy);

        busy.writeInbound(
                Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 13\r\n\r\n{\"a\":\"12345\"}", US_ASCII));

        Http1Exchange.Answer answer = first.result.join();
        assertThat(new String(answer.bytes(), 0, answer.length(), US_ASCII)).isEqualTo("{\"a\":\"12345\"}");
        assertThat(next.result).as("the next exchange waits for its own answer").isNotDone();
        busy.writeInbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", US_ASCII));
        assertThat(next.result.join().length()).isEqualTo(2);
        busy.finishAndReleaseAll();
    }

    @Test
    void anAnswerThatClosesTheConnectionGivesItBackAsNotReusable() {
        Http1Exchange.Call call = begin();
        answer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(call.result.join().length()).isEqualTo(2);
        assertThat(givenBack).containsExactly(false);
    }

    @Test
    void anHttp10AnswerIsNotKeptAlive() {
        Http1Exchange.Call call = begin();
        answer("HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}");
        assertThat(call.result.join().length()).isEqualTo(2);
        assertThat(givenBack).containsExactly(false);
    }

    @Test
    void aChunkedAnswerIsGatheredWhole() {
        Http1Exchange.Call call = begin();
        answer("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n3\r\n{\"a\r\n4\r\n\":1}\r\n0\r\n\r\n");
        Http1Exchange.Answer answer = call.result.join();
        assertThat(answer.response().statusCode()).isEqualTo(400);
        assertThat(new String(answer.bytes(), 0, answer.length(), US_ASCII)).isEqualTo("{\"a\":1}");
        assertThat(givenBack).containsExactly(true);
    }

    @Test
    void twoExchangesInTurnOnOneConnection() {
        Http1Exchange.Call first = begin();
        answer("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na");
        Http1Exchange.Call second = begin();
        answer("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb");
        assertThat(first.result.join().bytes()[0]).isEqualTo((byte) 'a');
        assertThat(second.result.join().bytes()[0]).isEqualTo((byte) 'b');
        assertThat(givenBack).containsExactly(true, true);
    }

    @Test
    void bytesNoRequestAskedForCloseTheConnection() {
        answer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        assertThat(channel.isOpen()).isFalse();
        assertThat(givenBack).isEmpty();
    }

    @Test
    void anAnswerDeclaredLongerThanAnyFirehoseAnswerFailsAsMalformedAndClosesTheConnection() {
        Http1Exchange.Call call = begin();
        answer("HTTP/1.1 200 OK\r\nContent-Length: " + (FirehoseAnswers.MAX_ANSWER_BYTES + 1) + "\r\n\r\n{");
        assertThat(failure(call))
                .isInstanceOf(FirehoseAnswers.MalformedResponseException.class)
                .hasMessageContaining("longer than " + FirehoseAnswers.MAX_ANSWER_BYTES);
        assertThat(channel.isOpen()).isFalse();
        assertThat(givenBack).isEmpty();
    }

    @Test
    void aChunkedAnswerGrowingPastTheLimitFailsAsMalformed() {
        Http1Exchange.Call call = begin();
        answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        String chunk = "x".repeat(1024 * 1024);
        for (int i = 0; i < 5 && !call.result.isDone(); i++) {
            answer(Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n");
        }
        assertThat(failure(call)).isInstanceOf(FirehoseAnswers.MalformedResponseException.class);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anAnswerThatIsNotHttpFailsTheCallAsAConnectionErrorAndClosesTheConnection() {
        Http1Exchange.Call call = begin();
        answer("SMTP ready\r\n\r\n");
        assertThat(failure(call)).isInstanceOf(IOException.class).hasMessageContaining("not valid HTTP/1.1");
        assertThat(RequestFailure.classify(failure(call)).retriable()).isTrue();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anInterimAnswerIsNotAskedForAndFailsTheCall() {
        Http1Exchange.Call call = begin();
        answer("HTTP/1.1 100 Continue\r\n\r\n");
        assertThat(failure(call)).isInstanceOf(FirehoseAnswers.MalformedResponseException.class);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aConnectionThatClosesMidAnswerFailsTheCallAsRetriable() {
        Http1Exchange.Call call = begin();
        answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Fail");
        channel.close();
        assertThat(failure(call)).isInstanceOf(IOException.class).hasMessageContaining("closed before the answer");
        assertThat(RequestFailure.classify(failure(call)).code()).isEqualTo("ConnectionError");
        assertThat(givenBack).isEmpty();
    }

    @Test
    void aCallThatFailsWhileWaitingClosesItsConnection() {
        Http1Exchange.Call call = begin();
        assertThat(call.fail(new IOException("timed out"))).isTrue();
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aCallThatFailedBeforeItsConnectionWasHandedOverClosesIt() {
        Http1Exchange.Call call = new Http1Exchange.Call();
        call.fail(new IOException("timed out"));
        call.carriedBy(channel);
        assertThat(channel.isOpen()).isFalse();
    }
}
