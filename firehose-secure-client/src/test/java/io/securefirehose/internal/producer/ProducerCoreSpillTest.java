package io.securefirehose.internal.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.securefirehose.ProducerConfig;
import io.securefirehose.RecordReceipt;
import io.securefirehose.SecureFirehoseProducer;
import io.securefirehose.Spill;
import io.securefirehose.errors.DeliveryTimeoutException;
import io.securefirehose.errors.ProducerClosedException;
import io.securefirehose.internal.spill.SpillFormat;
import io.securefirehose.internal.spill.SpillSegmentReader;
import io.securefirehose.internal.spill.SpillSegments;
import io.securefirehose.internal.spill.SpillStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AnonymousCredentialsProvider;

/**
 * Spill to disk in the producer's engine, on a hand-moved clock: what is spilled and when, the receipts, the
 * bound, replay on success, on the interval and at the next start, and segments a crash or a disk left damaged.
 */
class ProducerCoreSpillTest extends CoreTestSupport {

    @TempDir
    Path directory;

    private final List<ProducerCore> others = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void closeOthers() {
        for (ProducerCore other : others) {
            other.close(Duration.ZERO);
        }
    }

    private ProducerCore spilling(UnaryOperator<Spill> spill) {
        // The default 50 ms linger: records sent together go out in one call, whatever the threads' timing.
        return core(b -> b.deliveryTimeout(Duration.ofSeconds(20))
                .spill(spill.apply(
                        Spill.toDirectory(directory).allowPlaintext().replayInterval(Duration.ofSeconds(60)))));
    }

    private ProducerConfig sameConfig() {
        return core.config();
    }

    private List<Path> segments() throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().matches("segment-\\d{20}\\.spill"))
                    .sorted(Comparator.naturalOrder())
                    .toList();
        }
    }

    private List<byte[]> spilledRecords() throws Exception {
        List<byte[]> records = new ArrayList<>();
        for (Path segment : segments()) {
            records.addAll(SpillSegmentReader.read(Files.readAllBytes(segment)).records());
        }
        return records;
    }

    private static double meter(SimpleMeterRegistry registry, String name) {
        var meter = registry.find("firehose.producer." + name).meter();
        assertThat(meter).as(name).isNotNull();
        return meter.measure().iterator().next().getValue();
    }

    @Test
    void recordsThatOutlastDeliveryTimeoutAreSpilledThenReplayedWhenACallSucceeds() throws Exception {
        spilling(s -> s);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        core.metrics().bindTo(registry);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(3, 10);
        lingerOut();
        assertThat(transport.callCount()).isEqualTo(1); // Firehose never answers this call
        scheduler.advance(Duration.ofSeconds(20));
        settle();

        for (int i = 0; i < 3; i++) {
            RecordReceipt receipt = futures.get(i).join();
            assertThat(receipt.spilled()).isTrue();
            assertThat(receipt.recordId()).isEqualTo("spill:segment-00000000000000000001.spill:" + i);
            assertThat(receipt.attempts()).isEqualTo(1);
        }
        assertThat(core.bufferedBytes()).isZero();
        assertThat(core.bufferedRecords()).isZero();
        assertThat(spilledRecords()).containsExactly(bytes(10, 0), bytes(10, 1), bytes(10, 2));
        assertThat(meter(registry, "spill.records")).isEqualTo(3);
        assertThat(meter(registry, "spill.bytes"))
                .isEqualTo(Files.size(segments().get(0)));

        // A late answer to that call changes nothing: the records are already settled.
        transport.acceptAll(0);
        settle();
        assertThat(transport.callCount()).isEqualTo(1);
        CompletableFuture<RecordReceipt> next = core.send(bytes(5, 9));
        lingerOut();
        transport.acceptAll(1);
        settle();
        assertThat(next.join().spilled()).isFalse();

        // That success starts the replay: the spilled records go out again, exactly as they were.
        assertThat(transport.callCount()).isEqualTo(3);
        assertThat(transport.call(2).records()).containsExactly(bytes(10, 0), bytes(10, 1), bytes(10, 2));
        transport.acceptAll(2);
        settle();
        assertThat(segments()).isEmpty();
        assertThat(meter(registry, "spill.replayed")).isEqualTo(3);
        assertThat(meter(registry, "spill.bytes")).isZero();
        assertThat(core.bufferedRecords()).isZero();
    }

    @Test
    void aSegmentOfAnotherStreamThatAppearsWhileRunningIsSetAsideAtReplayAndNeverSent() throws Exception {
        spilling(s -> s);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        core.metrics().bindTo(registry);
        CompletableFuture<RecordReceipt> own = core.send(bytes(10, 1));
        lingerOut();
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        assertThat(own.join().spilled()).isTrue();
        // Something else drops a segment that sorts first, for another stream: the start-up check has passed.
        Path foreign = directory.resolve("segment-00000000000000000000.spill");
        Files.write(foreign, segment("orders", bytes(10, 7)));

        CompletableFuture<RecordReceipt> next = core.send(bytes(5, 9));
        lingerOut();
        transport.acceptAll(1);
        settle();
        assertThat(next.join().spilled()).isFalse();
        assertThat(transport.callCount()).isEqualTo(3);
        assertThat(transport.call(2).records())
                .as("only this producer's own record")
                .containsExactly(bytes(10, 1));
        assertThat(foreign).doesNotExist();
        assertThat(directory.resolve("segment-00000000000000000000.spill.damaged"))
                .exists();
        assertThat(meter(registry, "spill.damaged.segments")).isEqualTo(1);
    }

    @Test
    void coalescedRecordsAreSpilledAsTheirPackedRecordAndEachGetsItsReceipt() throws Exception {
        core(b -> b.deliveryTimeout(Duration.ofSeconds(20))
                .coalescing(io.securefirehose.records.Coalescing.newlineDelimited())
                .spill(Spill.toDirectory(directory).allowPlaintext()));
        List<CompletableFuture<RecordReceipt>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            futures.add(core.send(("event-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
        lingerOut();
        lingerOut(); // the packed record joins a batch, which lingers in turn
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        assertThat(futures).allSatisfy(f -> assertThat(f.join().spilled()).isTrue());
        assertThat(futures.stream().map(f -> f.join().recordId()).distinct()).hasSize(1);
        assertThat(spilledRecords())
                .singleElement()
                .satisfies(packed -> assertThat(new String(packed, java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo("event-0\nevent-1\nevent-2\n"));
        assertThat(core.bufferedBytes()).isZero();
    }

    @Test
    void whileFirehoseStaysDownAReplayIsSpilledAgainAndItsOldSegmentGoes() throws Exception {
        core(b -> b.deliveryTimeout(Duration.ofSeconds(20))
                .spill(Spill.toDirectory(directory).allowPlaintext().replayInterval(Duration.ofSeconds(30))));
        List<CompletableFuture<RecordReceipt>> futures = sendMany(2, 10);
        lingerOut();
        assertThat(transport.callCount()).isEqualTo(1);
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        assertThat(futures).allMatch(f -> f.join().spilled());
        List<Path> first = segments();
        assertThat(first).hasSize(1);

        // The replay interval passes with nothing acknowledged: the records are sent again...
        scheduler.advance(Duration.ofMillis(9_950));
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
        assertThat(transport.call(1).records()).containsExactly(bytes(10, 0), bytes(10, 1));
        // ...time out again, and move into a new segment; the old one is deleted only then.
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        List<Path> second = segments();
        assertThat(second).hasSize(1).doesNotContainAnyElementsOf(first);
        assertThat(spilledRecords()).containsExactly(bytes(10, 0), bytes(10, 1));
        assertThat(core.bufferedRecords()).isZero();
    }

    @Test
    void aReplayStoredWithoutServerSideEncryptionIsNotReplayedAgain() throws Exception {
        core(b -> b.deliveryTimeout(Duration.ofSeconds(20))
                .requireServerSideEncryption(true)
                .spill(Spill.toDirectory(directory).allowPlaintext().replayInterval(Duration.ofSeconds(30))));
        CompletableFuture<RecordReceipt> spilled = core.send(bytes(10, 1));
        lingerOut();
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        assertThat(spilled.join().spilled()).isTrue();
        scheduler.advance(Duration.ofSeconds(10));
        settle();
        assertThat(transport.call(1).records()).containsExactly(bytes(10, 1));
        // Firehose stored it, but reports Encrypted=false: sending it again would only store it again.
        transport.answer(1, i -> null, false);
        settle();
        assertThat(segments()).isEmpty();
    }

    @Test
    void aRecordThatDoesNotFitTheBoundFailsWithItsCauseAndTheReason() throws Exception {
        spilling(s -> s.maxBytes(Spill.MIN_MAX_BYTES));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        core.metrics().bindTo(registry);
        // One 1,000,000-byte record per 1 MiB segment; four fit into 4 MiB, the fifth does not.
        List<CompletableFuture<RecordReceipt>> futures = sendMany(5, 1_000_000);
        settle();
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        assertThat(futures.subList(0, 4)).allMatch(f -> f.join().spilled());
        // The newest record is the one left out.
        assertFailedNotSpilled(futures.get(4), DeliveryTimeoutException.class, "over spill maxBytes=4194304");
        assertThat(meter(registry, "spill.refused")).isEqualTo(1);
        assertThat(meter(registry, "spill.records")).isEqualTo(4);
        assertThat(segments()).hasSize(4);
        assertThat(segments().stream().mapToLong(p -> p.toFile().length()).sum())
                .isLessThanOrEqualTo(Spill.MIN_MAX_BYTES);
        assertThat(core.bufferedBytes()).isZero();
    }

    /**
     * Spills one record (its call never answered), then lets the replay interval pass: the record is sent again in
     * call 1, which the test answers.
     *
     * @return the segment it was spilled into
     */
    private List<Path> spillOneRecordAndReplayIt() throws Exception {
        core(b -> b.deliveryTimeout(Duration.ofSeconds(20))
                .spill(Spill.toDirectory(directory).allowPlaintext().replayInterval(Duration.ofSeconds(30))));
        CompletableFuture<RecordReceipt> spilled = core.send(bytes(10, 1));
        lingerOut();
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        assertThat(spilled.join().spilled()).isTrue();
        List<Path> segment = segments();
        scheduler.advance(Duration.ofSeconds(10)); // the replay interval
        settle();
        assertThat(transport.call(1).records()).containsExactly(bytes(10, 1));
        return segment;
    }

    @Test
    void aReplayedRecordThatFailsForGoodKeepsItsSegmentUntilTheNextStart() throws Exception {
        List<Path> segment = spillOneRecordAndReplayIt();
        transport.failWith(1, 400, "InvalidArgumentException"); // fails for good: replaying it would fail again
        settle();

        assertThat(segments()).isEqualTo(segment);
        scheduler.advance(Duration.ofSeconds(120)); // four more intervals: the segment is not sent again
        settle();
        assertThat(transport.callCount()).isEqualTo(2);
        assertThat(segments()).isEqualTo(segment);

        ProducerConfig config = sameConfig();
        core.close(Duration.ZERO);
        core = null;
        Restarted restarted = restart(config);
        settle();
        assertThat(restarted.transport().call(0).records())
                .as("the next start replays it")
                .containsExactly(bytes(10, 1));
    }

    @Test
    void aSegmentThatCannotBeDeletedAfterItsReplayIsNotReplayedAgainInThisRun() throws Exception {
        Path segment = spillOneRecordAndReplayIt().get(0);
        // The segment was read; now a non-empty directory stands in its name, which no delete can remove (the tests
        // run as root, so permissions cannot make a delete fail).
        Files.delete(segment);
        Files.createDirectory(segment);
        Files.write(segment.resolve("pinned"), new byte[] {1});
        transport.acceptAll(1);
        settle();

        assertThat(Files.isDirectory(segment)).isTrue();
        CompletableFuture<RecordReceipt> next = core.send(bytes(5, 2)); // a success, which would start a replay
        lingerOut();
        transport.acceptAll(2);
        settle();
        scheduler.advance(Duration.ofSeconds(90));
        settle();
        assertThat(next.join().spilled()).isFalse();
        assertThat(transport.callCount())
                .as("the undeletable segment is not replayed again")
                .isEqualTo(3);
    }

    @Test
    void closeSpillsWhatIsLeftAndTheNextProducerReplaysItAtStart() throws Exception {
        spilling(s -> s);
        List<CompletableFuture<RecordReceipt>> futures = sendMany(4, 20);
        settle();
        core.close(Duration.ZERO);
        assertThat(futures).allMatch(f -> f.join().spilled());
        ProducerConfig config = sameConfig();
        core = null;

        Restarted restarted = restart(config);
        FakeTransport afterRestart = restarted.transport();
        ProducerCore next = restarted.core();
        settle();
        assertThat(afterRestart.callCount()).isEqualTo(1);
        assertThat(afterRestart.call(0).records())
                .containsExactlyInAnyOrder(bytes(20, 0), bytes(20, 1), bytes(20, 2), bytes(20, 3));
        afterRestart.acceptAll(0);
        settle();
        assertThat(segments()).isEmpty();
        assertThat(next.bufferedRecords()).isZero();
    }

    @Test
    void closeDuringAReplayLeavesTheSegmentForTheNextStart() throws Exception {
        spilling(s -> s);
        sendMany(2, 10);
        settle();
        core.close(Duration.ZERO);
        ProducerConfig config = sameConfig();
        core = null;

        FakeTransport second = new FakeTransport();
        ProducerCore replaying = new ProducerCore(config, second, scheduler, null);
        settle();
        assertThat(second.callCount()).isEqualTo(1); // the replay is under way...
        replaying.close(Duration.ZERO); // ...when the producer closes
        assertThat(spilledRecords()).containsExactlyInAnyOrder(bytes(10, 0), bytes(10, 1));
    }

    @Test
    void aDirectoryTheProducerCreatesAndItsSegmentsAreReadableByTheOwnerOnly() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                directory.getFileSystem().supportedFileAttributeViews().contains("posix"));
        Path created = directory.resolve("service").resolve("spill");
        core(b -> b.deliveryTimeout(Duration.ofSeconds(20))
                .spill(Spill.toDirectory(created).allowPlaintext()));
        core.send(bytes(10, 1));
        lingerOut();
        scheduler.advance(Duration.ofSeconds(20));
        settle();
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(created)))
                .isEqualTo("rwx------");
        try (Stream<Path> files = Files.list(created)) {
            List<Path> segments = files.filter(p -> p.getFileName().toString().endsWith(".spill"))
                    .toList();
            assertThat(segments).hasSize(1);
            assertThat(java.nio.file.attribute.PosixFilePermissions.toString(
                            Files.getPosixFilePermissions(segments.get(0))))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void aSecondProducerOnTheSameDirectoryIsRefused() {
        spilling(s -> s);
        ProducerConfig config = sameConfig();
        assertThatThrownBy(() -> others.add(new ProducerCore(config, new FakeTransport(), scheduler, null)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spill directory " + directory + " is in use by another producer");
    }

    @Test
    void segmentsOfAnotherStreamOrOfPlaintextForAnEncryptingProducerAreRefused() throws Exception {
        Files.write(directory.resolve("segment-00000000000000000007.spill"), SpillFormat.header("orders", false));
        Spill spill = Spill.toDirectory(directory).allowPlaintext();
        assertThatThrownBy(() -> SpillStore.open(spill, "unit", false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds records for stream 'orders', not 'unit'");
        Files.write(directory.resolve("segment-00000000000000000007.spill"), SpillFormat.header("unit", false));
        assertThatThrownBy(() -> SpillStore.open(spill, "unit", true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("holds unencrypted records, and this producer encrypts");
        // Without encryption the same segment is fine, and the lock is free again after each refusal.
        try (SpillStore store = SpillStore.open(spill, "unit", false)) {
            assertThat(store.bytesOnDisk()).isEqualTo(SpillFormat.header("unit", false).length);
        }
    }

    @Test
    void aSegmentCutShortByACrashReplaysWhatWasWrittenAndIsDeleted() throws Exception {
        byte[] whole = segment("unit", bytes(30, 1), bytes(30, 2), bytes(30, 3));
        Files.write(
                directory.resolve("segment-00000000000000000003.spill"),
                java.util.Arrays.copyOf(whole, whole.length - 7));
        FakeTransport restarted = restart(config()).transport();
        settle();
        assertThat(restarted.call(0).records()).containsExactly(bytes(30, 1), bytes(30, 2));
        restarted.acceptAll(0);
        settle();
        assertThat(Files.list(directory).map(p -> p.getFileName().toString())).containsExactly("spill.lock");
    }

    @Test
    void atStartAFileWithoutASpillHeaderIsSetAsideAndOneCutBeforeItsFirstEntryIsDeleted() throws Exception {
        byte[] header = SpillFormat.header("unit", false);
        Path cut = directory.resolve("segment-00000000000000000001.spill");
        Files.write(cut, java.util.Arrays.copyOf(header, header.length - 3));
        Path foreign = directory.resolve("segment-00000000000000000002.spill");
        Files.write(foreign, "not a spill segment, but long enough to have held one".getBytes());
        Restarted started = restart(config());
        FakeTransport restarted = started.transport();
        ProducerCore next = started.core();
        SimpleMeterRegistry registry = started.meters();
        settle();
        assertThat(cut).doesNotExist();
        assertThat(foreign).doesNotExist();
        assertThat(directory.resolve("segment-00000000000000000002.spill.damaged"))
                .exists();
        assertThat(meter(registry, "spill.damaged.segments")).isEqualTo(1);
        assertThat(restarted.callCount()).isZero();
        // New segments continue the numbering after the files that were there.
        next.send(bytes(10, 1));
        settle();
        scheduler.advance(Duration.ofSeconds(21));
        settle();
        assertThat(segments())
                .extracting(p -> p.getFileName().toString())
                .containsExactly("segment-00000000000000000003.spill");
    }

    @Test
    void aCorruptSegmentReplaysTheEntriesBeforeTheDamageAndIsSetAside() throws Exception {
        byte[] file = segment("unit", bytes(30, 1), bytes(30, 2), bytes(30, 3));
        int secondEntryData = SpillFormat.header("unit", false).length + SpillFormat.entryBytes(30) + 8;
        file[secondEntryData + 5] ^= 0x10;
        Files.write(directory.resolve("segment-00000000000000000004.spill"), file);
        Restarted started = restart(config());
        FakeTransport restarted = started.transport();
        ProducerCore next = started.core();
        SimpleMeterRegistry registry = started.meters();
        settle();
        assertThat(restarted.call(0).records()).containsExactly(bytes(30, 1));
        restarted.acceptAll(0);
        settle();
        assertThat(Files.exists(directory.resolve("segment-00000000000000000004.spill.damaged")))
                .isTrue();
        assertThat(segments()).isEmpty();
        assertThat(meter(registry, "spill.damaged.segments")).isEqualTo(1);
        assertThat(meter(registry, "spill.replayed")).isEqualTo(1);
    }

    @Test
    void whenTheDirectoryCannotBeWrittenRecordsFailWithTheirCauseAndTheReason() throws Exception {
        spilling(s -> s);
        CompletableFuture<RecordReceipt> future = core.send(bytes(10, 1));
        settle();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(directory);
        core.close(Duration.ZERO);
        assertFailedNotSpilled(
                future, ProducerClosedException.class, "writing to spill directory " + directory + " failed");
    }

    /** The record failed with its original cause, carrying one suppressed "not spilled: {@code why}". */
    private static void assertFailedNotSpilled(
            CompletableFuture<RecordReceipt> future, Class<? extends Throwable> cause, String why) {
        assertThatThrownBy(future::join)
                .cause()
                .isInstanceOf(cause)
                .satisfies(e -> assertThat(e.getSuppressed())
                        .singleElement()
                        .satisfies(s -> assertThat(s.getMessage())
                                .contains("not spilled: ")
                                .contains(why)));
    }

    /** A producer started on the spill directory, its transport and its meters; closed after the test. */
    private record Restarted(ProducerCore core, FakeTransport transport, SimpleMeterRegistry meters) {}

    private Restarted restart(ProducerConfig config) {
        FakeTransport transport = new FakeTransport();
        ProducerCore started = new ProducerCore(config, transport, scheduler, null);
        others.add(started);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        started.metrics().bindTo(meters);
        return new Restarted(started, transport, meters);
    }

    private ProducerConfig config() {
        return SecureFirehoseProducer.builder()
                .deliveryStream("unit")
                .region("eu-west-1")
                .credentialsProvider(AnonymousCredentialsProvider.create())
                .linger(Duration.ZERO)
                .requestTimeout(Duration.ofSeconds(10))
                .deliveryTimeout(Duration.ofSeconds(20))
                .spill(Spill.toDirectory(directory).allowPlaintext())
                .buildConfig();
    }

    private static byte[] segment(String stream, byte[]... records) {
        return SpillSegments.of(stream, false, List.of(records));
    }
}
