package dev.fdbe.storage.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
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

    byte[] more = random(2 * BUFFER);
    assertThatThrownBy(() -> writes.write(more, 0, more.length)).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(writes::settle).isInstanceOf(ClosedChannelException.class);
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

  private static byte[] random(int size) {
    byte[] bytes = new byte[size];
    new Random(size).nextBytes(bytes);
    return bytes;
  }
}
