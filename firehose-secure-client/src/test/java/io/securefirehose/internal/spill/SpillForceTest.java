package io.securefirehose.internal.spill;

import static org.assertj.core.api.Assertions.assertThat;

import io.securefirehose.Spill;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A record is reported spilled only once its bytes were forced to disk: every segment channel is wrapped in one that
 * logs writes and forces, and the log is read when {@link SpillStore#append} returns (the producer completes the
 * spilled futures only after that).
 */
class SpillForceTest {

    @TempDir
    Path directory;

    private final List<String> log = new CopyOnWriteArrayList<>();

    private SpillStore store() {
        return SpillStore.open(
                Spill.toDirectory(directory).allowPlaintext(), "orders", false, channel -> new Logging(channel, log));
    }

    private static List<byte[]> records(String... texts) {
        return java.util.Arrays.stream(texts)
                .map(t -> t.getBytes(StandardCharsets.UTF_8))
                .toList();
    }

    @Test
    void aNewSegmentsHeaderAndEveryAppendAreForcedBeforeAppendReturns() {
        try (SpillStore store = store()) {
            AppendResult first = store.append(records("one", "two"));
            assertThat(first.ids).doesNotContainNull();
            assertThat(log).containsExactly("write", "force(true)", "write", "force(false)");

            log.clear();
            AppendResult second = store.append(records("three"));
            assertThat(second.ids).doesNotContainNull();
            assertThat(log).containsExactly("write", "force(false)");
        }
    }

    /** Delegates to a real channel and logs writes and forces. */
    private static final class Logging extends FileChannel {
        private final FileChannel real;
        private final List<String> log;

        Logging(FileChannel real, List<String> log) {
            this.real = real;
            this.log = log;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = real.write(src);
            if (log.isEmpty() || !log.get(log.size() - 1).equals("write")) {
                log.add("write");
            }
            return n;
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            log.add("write");
            return real.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            log.add("truncate");
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
            log.add("force(" + metaData + ")");
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            log.add("write");
            return real.transferFrom(src, position, count);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            log.add("write");
            return real.write(src, position);
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException {
            throw new UnsupportedOperationException("the spill store does not map segments");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
