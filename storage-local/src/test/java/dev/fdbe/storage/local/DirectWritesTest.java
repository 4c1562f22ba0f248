package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The buffering of direct writes on a plain channel, so that it runs on every file system (a file
 * opened for direct I/O takes the same writes; {@code LocalBlobStoreTest} runs them there).
 */
class DirectWritesTest {
  private static final int BUFFER = DirectWrites.BUFFER_BYTES;

  @TempDir
  Path dir;

  @Test
  void theFileHoldsExactlyTheBytesWrittenWhateverTheirSizeAndPieces() throws IOException {
    for (int size : new int[] {0, 1, 4095, 4096, 4097, BUFFER - 1, BUFFER, BUFFER + 1, 3 * BUFFER + 777}) {
      byte[] data = random(size);
      Path file = dir.resolve(size + ".bin");
      try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        DirectWrites writes = new DirectWrites(channel, 512);
        int off = 0;
        for (int piece = 1; off < size; piece = piece * 3 + 1) {
          int n = Math.min(piece, size - off);
          if (n == 1) {
            writes.write(data[off]);
          } else {
            writes.write(data, off, n);
          }
          off += n;
        }
        long handedOver = writes.settle();
        assertThat(handedOver).as("whole buffers only, size %d", size).isEqualTo((long) size / BUFFER * BUFFER);
        assertThat(channel.size()).isEqualTo(handedOver);
        assertThat(writes.buffered()).isEqualTo(size % BUFFER);
        writes.finish(size);
      }
      assertThat(Files.readAllBytes(file)).as("size %d", size).isEqualTo(data);
    }
  }

  @Test
  void aWriteAfterFinishFailsInsteadOfReachingAPooledBuffer() throws IOException {
    try (FileChannel channel = FileChannel.open(dir.resolve("done.bin"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      DirectWrites writes = new DirectWrites(channel, 4096);
      writes.write(random(10), 0, 10);
      writes.finish(10);

      assertThatThrownBy(() -> writes.write(1)).isInstanceOf(ClosedChannelException.class);
      assertThatThrownBy(() -> writes.write(new byte[5], 0, 5)).isInstanceOf(ClosedChannelException.class);
      assertThat(writes.settle()).isZero();
      assertThat(writes.buffered()).isZero();
      assertThat(channel.size()).isEqualTo(10);
    }
  }

  @Test
  void aFailedWriteReachesTheWriterAndEveryLaterWrite() throws IOException {
    FileChannel channel = FileChannel.open(dir.resolve("closed.bin"), StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE);
    DirectWrites writes = new DirectWrites(channel, 4096);
    writes.write(random(BUFFER / 2), 0, BUFFER / 2);
    channel.close(); // as an abort from another thread does

    // Once every buffer is taken the writer waits for the oldest write, the failed one.
    byte[] more = random(DirectWrites.BUFFERS * BUFFER);
    assertThatThrownBy(() -> writes.write(more, 0, more.length)).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(writes::settle).isInstanceOf(ClosedChannelException.class);
  }

  @Test
  void theWriterGoesOnWhileEarlierBuffersAreWrittenAndWaitsForTheOldestOnceAllAreTaken() throws Exception {
    Path file = dir.resolve("gated.bin");
    byte[] data = random(DirectWrites.BUFFERS * BUFFER);
    ExecutorService writer = Executors.newSingleThreadExecutor();
    try (GatedChannel channel = new GatedChannel(FileChannel.open(file, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE))) {
      DirectWrites writes = new DirectWrites(channel, 4096);
      int handedOver = DirectWrites.BUFFERS - 1;
      // Every write held at the gate: the writer still hands over all buffers but one.
      writer.submit(() -> {
        writes.write(data, 0, handedOver * BUFFER);
        return null;
      }).get(30, TimeUnit.SECONDS);
      assertThat(writes.reached()).as("no write has completed").isZero();

      // The last buffer full: every one is taken, so the writer waits for the oldest write.
      Future<Long> last = writer.submit(() -> {
        writes.write(data, handedOver * BUFFER, BUFFER);
        return writes.reached();
      });
      channel.open(BUFFER); // a later write completes first; the writer waits on
      assertThat(channel.completed(BUFFER)).isTrue();
      assertThatThrownBy(() -> last.get(200, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);

      channel.open(0);
      assertThat(last.get(30, TimeUnit.SECONDS)).as("the bytes of a prefix of completed writes")
          .isBetween((long) BUFFER, 2L * BUFFER);
      for (int i = 2; i < DirectWrites.BUFFERS; i++) {
        channel.open((long) i * BUFFER);
      }
      assertThat(writer.submit(writes::settle).get(30, TimeUnit.SECONDS)).isEqualTo((long) data.length);
      writes.finish(data.length);
    } finally {
      writer.shutdownNow();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(data);
  }

  @Test
  void onlyPowerOfTwoBlocksUpToABufferAreAccepted() {
    assertThat(DirectWrites.accepts(512)).isTrue();
    assertThat(DirectWrites.accepts(4096)).isTrue();
    assertThat(DirectWrites.accepts(BUFFER)).isTrue();
    assertThat(DirectWrites.accepts(0)).isFalse();
    assertThat(DirectWrites.accepts(3000)).isFalse();
    assertThat(DirectWrites.accepts(2 * BUFFER)).isFalse();
  }

  /** A file whose positional writes each wait until the test opens the gate of their position. */
  private static final class GatedChannel extends FileChannel {
    private final FileChannel file;
    private final Map<Long, CountDownLatch> gates = new ConcurrentHashMap<>();
    private final Map<Long, CountDownLatch> done = new ConcurrentHashMap<>();

    GatedChannel(FileChannel file) {
      this.file = file;
    }

    void open(long position) {
      gate(gates, position).countDown();
    }

    /** Whether the write at {@code position} completed within 30 s. */
    boolean completed(long position) throws InterruptedException {
      return gate(done, position).await(30, TimeUnit.SECONDS);
    }

    private static CountDownLatch gate(Map<Long, CountDownLatch> latches, long position) {
      return latches.computeIfAbsent(position, key -> new CountDownLatch(1));
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
      try {
        if (!gate(gates, position).await(30, TimeUnit.SECONDS)) {
          throw new IOException("the gate at " + position + " stayed shut");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      int written = file.write(src, position);
      if (!src.hasRemaining()) {
        gate(done, position).countDown(); // the start of the buffer: DirectWrites writes it whole
      }
      return written;
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public FileChannel truncate(long size) throws IOException {
      file.truncate(size);
      return this;
    }

    @Override
    protected void implCloseChannel() throws IOException {
      file.close();
    }

    @Override
    public int read(ByteBuffer dst) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int write(ByteBuffer src) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long position() {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileChannel position(long newPosition) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void force(boolean metaData) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long transferTo(long position, long count, WritableByteChannel target) {
      throw new UnsupportedOperationException();
    }

    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(ByteBuffer dst, long position) {
      throw new UnsupportedOperationException();
    }

    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock lock(long position, long size, boolean shared) {
      throw new UnsupportedOperationException();
    }

    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
      throw new UnsupportedOperationException();
    }
  }

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
