package dev.fdbe.storage.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/*
 * An upload's bytes written past the page cache, to a file opened for direct I/O (O_DIRECT on
 * Linux; TempFiles.open decides). Through the page cache the kernel copies every byte into a page
 * it must first find, and a part of hundreds of MB pushes what other programs keep there out of
 * it. On the benchmark machine (a virtual machine whose host takes back the memory the guest
 * frees), `dd` of 937 MB took 1.3-1.6 s of CPU through the page cache and 0.12-0.15 s direct, at
 * 1.3-1.6 GB/s either way (docs/benchmarks.md, part files written past the page cache).
 *
 * Invariants:
 * - Every write is of whole blocks, from a block-aligned direct buffer, at a block-aligned
 *   position: a buffer holds BUFFER_BYTES, a multiple of the block size, and before finish only
 *   full buffers are written.
 * - Up to BUFFERS buffers per upload: up to BUFFERS - 1 full ones are being written, each on a
 *   thread of WRITES at its own position, while the writer fills another; with that one full and
 *   all the others taken, the writer waits for the oldest write before it starts the next. So the
 *   disk works while the writer does, as the kernel's write-back does for a file in the page
 *   cache, and a burst (a Parquet row group going out) is not held up by the wake-up of one write
 *   thread per buffer.
 * - reached() counts the bytes of a prefix of completed writes only (the writes are taken back
 *   oldest first), so a sync started for them (FileUpload's WriteBehind) covers them.
 * - A failed write is thrown when the writer takes it back (at a later submit once it is done or
 *   all buffers are taken, at settle, at finish), and again at every such call after, as it stays
 *   the oldest; the buffer being filled is left as it was.
 * - Once settled, the file holds exactly `position` bytes; FileUpload checks that before finish,
 *   so a file changed under the upload fails the commit instead of being written over.
 * - finish writes the last, partial buffer padded with zeros to whole blocks (of at least 4 KiB, the
 *   logical block of most disks), then truncates the file to the bytes written.
 * - The block size is the root's file system's: a key directory on another file system with larger
 *   blocks than the root's makes its uploads fail on their first write, not write misaligned.
 * - Buffers go back to the pool only from the writer's thread once their write is done and the
 *   upload has dropped them (settle, finish), so a write after finish fails instead of reaching
 *   another upload's buffer; an aborted upload's buffers are left to the garbage collector. An upload
 *   takes another buffer only when the ones it has are full or being written, so a small one holds
 *   1 MiB.
 */
final class DirectWrites {
  /** The bytes in one buffer: a multiple of every block size this class accepts. */
  static final int BUFFER_BYTES = 1 << 20;
  /** Alignment of pooled buffers; a file system with larger blocks gets buffers of its own. */
  private static final int POOL_ALIGNMENT = 4096;
  /** Buffers an upload fills or writes at once, at most. */
  static final int BUFFERS = 4;
  /** Buffers kept for the next uploads: enough for four at once (16 MiB of native memory). */
  private static final int POOLED = 4 * BUFFERS;

  private static final ConcurrentLinkedQueue<ByteBuffer> POOL = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger POOL_SIZE = new AtomicInteger();
  private static final ExecutorService WRITES = Executors.newCachedThreadPool(task -> {
    Thread thread = new Thread(task, "fdbe-local-write");
    thread.setDaemon(true);
    return thread;
  });

  private final FileChannel channel;
  /** The multiple the last write is padded to: the file system's block, at least 4 KiB. */
  private final int padding;
  /** The buffer being filled; null once finished. */
  private @Nullable ByteBuffer filling;
  /** The writes under way, oldest first. */
  private final ArrayDeque<Write> inFlight = new ArrayDeque<>();
  /** The bytes handed to the file: written, or being written. */
  private long position;
  /** The bytes the file is known to hold: those of the writes taken back, all done, oldest first. */
  private long reached;

  /** Direct writes to {@code channel}, opened for direct I/O on a file system of {@code block}-byte blocks. */
  DirectWrites(FileChannel channel, int block) {
    if (!accepts(block)) {
      throw new IllegalArgumentException("direct writes need a power-of-two block of at most "
          + BUFFER_BYTES + " bytes, not " + block);
    }
    this.channel = channel;
    this.padding = Math.max(block, POOL_ALIGNMENT);
    this.filling = take(padding);
  }

  /** Whether direct writes can use a file system's block size. */
  static boolean accepts(int block) {
    return block > 0 && block <= BUFFER_BYTES && Integer.bitCount(block) == 1;
  }

  void write(int b) throws IOException {
    ByteBuffer into = filling();
    into.put((byte) b);
    if (!into.hasRemaining()) {
      submit();
    }
  }

  void write(byte[] b, int off, int len) throws IOException {
    while (len > 0) {
      ByteBuffer into = filling();
      int n = Math.min(len, into.remaining());
      into.put(b, off, n);
      off += n;
      len -= n;
      if (!into.hasRemaining()) {
        submit();
      }
    }
  }

  /** Waits for the writes under way, if any; returns the bytes the file holds now. */
  long settle() throws IOException {
    awaitWrites();
    return position;
  }

  /**
   * The bytes of a prefix of completed writes (a later write that completed first is not counted
   * until those before it are), so that a sync of the file now covers them.
   */
  long reached() {
    return reached;
  }

  /** The bytes accepted but not yet handed to the file. */
  int buffered() {
    return filling == null ? 0 : filling.position();
  }

  /**
   * Writes the bytes still buffered and leaves the file holding exactly {@code written} bytes, the
   * count of every byte this upload accepted; the buffers go back to the pool. Call once, after
   * {@link #settle()}.
   */
  void finish(long written) throws IOException {
    awaitWrites();
    ByteBuffer last = filling();
    int tail = last.position();
    if (written != position + tail) {
      throw new IllegalStateException("the upload counted " + written + " bytes but handed over " + (position + tail));
    }
    if (tail > 0) {
      int padded = (tail + padding - 1) & -padding;
      while (last.position() < padded) {
        last.put((byte) 0);
      }
      writeFully(channel, last.flip(), position);
    }
    channel.truncate(written);
    // No reference is kept to a buffer given back: a later write must not reach another upload's.
    filling = null;
    give(last);
  }

  private ByteBuffer filling() throws IOException {
    if (filling == null) {
      throw new ClosedChannelException(); // finished: the buffers belong to other uploads now
    }
    return filling;
  }

  /**
   * Starts writing the full buffer and goes on in a free one: that of a write done (writes are
   * taken back oldest first as they are done, a failure thrown here before the full buffer is
   * touched), else a new one while fewer than {@link #BUFFERS} are taken, else the oldest write's,
   * waited for.
   */
  private void submit() throws IOException {
    ByteBuffer free = null;
    while (!inFlight.isEmpty() && inFlight.peekFirst().done().isDone()) {
      ByteBuffer written = awaitOldest();
      if (free == null) {
        free = written;
      } else {
        give(written);
      }
    }
    if (free == null && inFlight.size() == BUFFERS - 1) {
      free = awaitOldest(); // every other buffer is being written
    }
    ByteBuffer full = filling().flip();
    long at = position;
    position += full.remaining();
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
      try {
        writeFully(channel, full, at);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, WRITES);
    inFlight.addLast(new Write(full, position, done));
    filling = free == null ? take(padding) : free.clear();
  }

  private void awaitWrites() throws IOException {
    while (!inFlight.isEmpty()) {
      give(awaitOldest());
    }
  }

  /** Waits for the oldest write under way; returns its buffer, free again. */
  private ByteBuffer awaitOldest() throws IOException {
    Write oldest = inFlight.peekFirst();
    try {
      oldest.done().join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof UncheckedIOException failed) {
        throw failed.getCause();
      }
      throw e;
    }
    inFlight.removeFirst();
    reached = oldest.end();
    return oldest.buffer();
  }

  /** One buffer being written, and the upload's size once it is. */
  private record Write(ByteBuffer buffer, long end, CompletableFuture<Void> done) {}

  private static void writeFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
    while (buffer.hasRemaining()) {
      at += channel.write(buffer, at);
    }
  }

  private static ByteBuffer take(int block) {
    if (block <= POOL_ALIGNMENT) {
      ByteBuffer pooled = POOL.poll();
      if (pooled != null) {
        POOL_SIZE.decrementAndGet();
        return pooled.clear();
      }
    }
    int alignment = Math.max(block, POOL_ALIGNMENT);
    return ByteBuffer.allocateDirect(BUFFER_BYTES + alignment).alignedSlice(alignment).slice(0, BUFFER_BYTES);
  }

  private static void give(ByteBuffer buffer) {
    if (POOL_SIZE.incrementAndGet() <= POOLED) {
      POOL.offer(buffer);
    } else {
      POOL_SIZE.decrementAndGet();
    }
  }
}
