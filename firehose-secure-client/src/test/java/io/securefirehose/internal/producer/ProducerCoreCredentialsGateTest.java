package io.securefirehose.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.securefirehose.ProducerBuilder;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.crypto.EnvelopeEncryption;
import io.securefirehose.errors.CredentialsUnavailableException;
import io.securefirehose.errors.DeliveryTimeoutException;
import io.securefirehose.errors.EncryptionFailedException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.internal.identity.SendGate;
import io.securefirehose.internal.tls.SecurityEvents;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * While the credentials are not there yet (or expired with STS down), the engine makes no call, to Firehose or to
 * KMS: records wait within their delivery timeout and go out, on their first attempt, as soon as the credentials
 * come.
 */
class ProducerCoreCredentialsGateTest extends CoreTestSupport {

    /** A gate the test opens and closes. */
    static final class HandGate implements SendGate {
        private volatile @Nullable CredentialsUnavailableException closed =
                new CredentialsUnavailableException("no session for role r yet; STS has not answered yet", true, null);
        private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

        @Override
        public @Nullable CredentialsUnavailableException closedBecause() {
            return closed;
        }

        @Override
        public void onOpen(Runnable listener) {
            listeners.add(listener);
        }

        void open() {
            closed = null;
            listeners.forEach(Runnable::run);
        }

        void close(String why) {
            closed = new CredentialsUnavailableException(why, true, null);
        }
    }

    private final HandGate gate = new HandGate();

    private final FakeDataKeySource keys = new FakeDataKeySource();

    /** With envelope encryption, its KMS calls behind the same gate. */
    private ProducerCore gatedEncryptedCore(Duration deliveryTimeout) {
        io.securefirehose.ProducerConfig config = SecureFirehoseProducer.builder()
                .deliveryStream("unit")
                .region("eu-west-1")
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .linger(Duration.ZERO)
                .requestTimeout(Duration.ofSeconds(10))
                .deliveryTimeout(deliveryTimeout)
                .envelopeEncryption(EnvelopeEncryption.withKmsKey("alias/unit")
                        .streamArn("arn:aws:firehose:eu-west-1:111122223333:deliverystream/unit")
                        .build())
                .buildConfig();
        encryptedCore(config, keys, gate);
        return core;
    }

    private ProducerCore gatedCore(UnaryOperator<ProducerBuilder> settings) {
        ProducerBuilder builder = SecureFirehoseProducer.builder()
                .deliveryStream("unit")
                .region("eu-west-1")
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .linger(Duration.ZERO)
                .retryBackoff(Duration.ofMillis(100), Duration.ofSeconds(2))
                .deliveryTimeout(Duration.ofSeconds(60))
                .requestTimeout(Duration.ofSeconds(10));
        core = new ProducerCore(
                settings.apply(builder).buildConfig(),
                transport,
                scheduler,
                null,
                new SecurityEvents(),
                () -> 0,
                null,
                gate,
                null);
        return core;
    }

    @Test
    void noCallGoesBeforeTheCredentialsComeThenEveryRecordGoesOnItsFirstAttempt() {
        gatedCore(b -> b);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(3, 10);
        settle();
        scheduler.advance(Duration.ofSeconds(30));
        settle();
        assertThat(transport.callCount()).as("no call without credentials").isZero();
        assertThat(futures).noneMatch(CompletableFuture::isDone);

        gate.open();
        settle();
        assertThat(transport.callCount()).isEqualTo(1);
        transport.acceptAll(0);
        settle();
        assertThat(futures).allSatisfy(f -> assertThat(f.join().attempts()).isEqualTo(1));
    }

    @Test
    void recordsHeldTooLongTimeOutNamingTheMissingCredentials() {
        gatedCore(b -> b.deliveryTimeout(Duration.ofSeconds(20)));
        CompletableFuture<RecordReceipt> held = core.send(bytes(10, 1));
        settle();
        scheduler.advance(Duration.ofSeconds(19));
        settle();
        assertThat(held).isNotDone();
        scheduler.advance(Duration.ofSeconds(1));
        settle();
        assertThatThrownBy(held::join).cause().isInstanceOfSatisfying(DeliveryTimeoutException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("CredentialsUnavailableException");
            assertThat(e.attempts()).isZero();
            assertThat(e.wasInFlight()).isFalse();
            assertThat(e.isRetriable()).isTrue();
            assertThat(e.getCause())
                    .isInstanceOf(CredentialsUnavailableException.class)
                    .hasMessageContaining("STS has not answered yet");
        });
        assertThat(transport.callCount()).isZero();
        assertThat(core.bufferedRecords()).isZero();
    }

    @Test
    void aGateThatClosesMidRunHoldsRetriesAndNewRecordsButNotTheCallUnderWay() {
        gatedCore(b -> b.deliveryTimeout(Duration.ofSeconds(20)));
        gate.open();
        CompletableFuture<RecordReceipt> first = core.send(bytes(10, 1));
        settle();
        assertThat(transport.callCount()).isEqualTo(1);

        gate.close("the session for role r expired at 2026-11-29T05:00:00Z; STS: ServiceUnavailable");
        CompletableFuture<RecordReceipt> second = core.send(bytes(10, 2));
        transport.answer(0, i -> "ServiceUnavailableException");
        settle();
        scheduler.advance(Duration.ofSeconds(5)); // well past the retry's backoff
        settle();
        assertThat(transport.callCount())
                .as("neither the retry nor the new record goes")
                .isEqualTo(1);

        gate.open();
        settle();
        assertThat(transport.callCount()).as("the retry, then the new record").isEqualTo(3);
        assertThat(transport.call(1).records().get(0)).isEqualTo(bytes(10, 1));
        assertThat(transport.call(2).records().get(0)).isEqualTo(bytes(10, 2));
        transport.acceptAll(1);
        transport.acceptAll(2);
        settle();
        assertThat(first.join().attempts()).isEqualTo(2);
        assertThat(second.join().attempts()).isEqualTo(1);
    }

    @Test
    void aRecordWaitingForACallSlotWhenTheGateClosesTimesOutNamingTheCredentials() {
        gatedCore(b -> b.maxInFlightRequests(1).maxBatchRecords(1).deliveryTimeout(Duration.ofSeconds(20)));
        gate.open();
        CompletableFuture<RecordReceipt> inFlight = core.send(bytes(10, 1));
        CompletableFuture<RecordReceipt> waiting = core.send(bytes(10, 2));
        settle();
        assertThat(transport.callCount())
                .as("one slot: the second record waits for it")
                .isEqualTo(1);
        gate.close("the session for role r expired at 2026-11-29T05:00:00Z; STS: ServiceUnavailable");
        scheduler.advance(Duration.ofSeconds(20)); // nothing answers and nothing drains meanwhile
        settle();
        assertThatThrownBy(inFlight::join)
                .cause()
                .isInstanceOfSatisfying(
                        DeliveryTimeoutException.class,
                        e -> assertThat(e.wasInFlight()).isTrue());
        assertThatThrownBy(waiting::join).cause().isInstanceOfSatisfying(DeliveryTimeoutException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("CredentialsUnavailableException");
            assertThat(e.getCause()).hasMessageContaining("expired");
        });
    }

    @Test
    void kmsIsNotCalledBeforeTheCredentialsComeThenOnceAtOnce() {
        gatedEncryptedCore(Duration.ofSeconds(60));
        CompletableFuture<RecordReceipt> record = core.send(bytes(10, 1));
        settle();
        scheduler.advance(Duration.ofSeconds(10)); // long enough for many backoff rounds, were KMS being retried
        settle();
        assertThat(keys.calls()).as("no KMS call without credentials").isZero();
        assertThat(transport.callCount()).isZero();

        gate.open();
        settle();
        assertThat(keys.calls()).isEqualTo(1);
        assertThat(transport.callCount()).isEqualTo(1);
        transport.acceptAll(0);
        settle();
        assertThat(record.join().attempts()).isEqualTo(1);
    }

    @Test
    void recordsWaitingForAKeyWithoutCredentialsTimeOutNamingThem() {
        gatedEncryptedCore(Duration.ofSeconds(20));
        CompletableFuture<RecordReceipt> record = core.send(bytes(10, 1));
        settle();
        scheduler.advance(Duration.ofSeconds(21));
        settle();
        assertThatThrownBy(record::join).cause().isInstanceOfSatisfying(EncryptionFailedException.class, e -> {
            assertThat(e.isRetriable()).isTrue();
            assertThat(e.getMessage()).contains("deliveryTimeout").contains("STS has not answered yet");
            assertThat(e.getCause()).isInstanceOf(CredentialsUnavailableException.class);
        });
        assertThat(keys.calls()).isZero();
    }

    @Test
    void closeFailsHeldRecordsAsNeverSent() {
        gatedCore(b -> b);
        CompletableFuture<RecordReceipt> held = core.send(bytes(10, 1));
        settle();
        core.close(Duration.ZERO);
        assertThatThrownBy(held::join)
                .cause()
                .isInstanceOfSatisfying(
                        ProducerClosedException.class,
                        e -> assertThat(e.wasInFlight()).isFalse());
        assertThat(transport.callCount()).isZero();
    }
}
