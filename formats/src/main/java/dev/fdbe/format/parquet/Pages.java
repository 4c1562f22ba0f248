package dev.fdbe.format.parquet;

import dev.fdbe.format.internal.CompressionPool;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import org.jspecify.annotations.Nullable;

/**
 * What the columns of one file share: the codec, the arrays a page is assembled and compressed in,
 * and, for a codec that {@linkplain ColumnCodec#compressesOnThreads compresses on threads}, the
 * pages being compressed by {@link CompressionPool}'s threads: at most one more than the pool has
 * threads, so that the arrays they hold stay few. A page the pool refuses or has not started when
 * the writer needs it, the writer compresses itself. Not thread-safe (its tasks run elsewhere).
 */
final class Pages {
  private static final byte[] NONE = new byte[0];

  private final ColumnCodec codec;
  /** The writer's own codec, made when the writer first compresses a page itself. */
  private ColumnCodec.@Nullable PageCodec pageCodec;
  private final @Nullable CompressionPool pool;
  private final ArrayDeque<FutureTask<byte[]>> inFlight = new ArrayDeque<>();
  private final int maxInFlight;
  private byte[] page = NONE;
  private byte[] compressed = NONE;
  private long closedPages;

  /**
   * Pages of a file in {@code codec}, compressed on {@code pool}'s threads if the codec compresses
   * on threads and the pool is present (absent on a machine with one processor).
   */
  Pages(ColumnCodec codec, Optional<CompressionPool> pool) {
    this.codec = codec;
    this.pool = codec.compressesOnThreads() ? pool.orElse(null) : null;
    this.maxInFlight = this.pool == null ? 0 : this.pool.threads() + 1;
  }

  /** The codec the file's pages are compressed with. */
  ColumnCodec codec() {
    return codec;
  }

  /** The pages closed in the file so far. */
  long closedPages() {
    return closedPages;
  }

  /**
   * The array levels are encoded in, or a page is assembled in, with at least {@code length}
   * bytes, its first {@code kept} kept.
   */
  byte[] page(int length, int kept) {
    if (page.length < length) {
      page = PageArrays.grow(page, kept, length);
    }
    return page;
  }

  boolean compresses() {
    return codec != ColumnCodec.UNCOMPRESSED;
  }

  /** Whether closed pages go to the compression threads ({@link #submit}). */
  boolean onThreads() {
    return pool != null;
  }

  /** {@code input[offset, offset + length)} compressed on this thread, in a new array of its size. */
  byte[] compress(byte[] input, int offset, int length) throws IOException {
    if (pageCodec == null) {
      pageCodec = codec.newPageCodec();
    }
    int bound = pageCodec.maxCompressedLength(length);
    if (compressed.length < bound) {
      compressed = PageArrays.grow(compressed, 0, bound);
    }
    byte[] bytes = Arrays.copyOf(compressed, pageCodec.compress(input, offset, length, compressed));
    if (compressed.length > PageArrays.MAX_ARRAY_BYTES) {
      compressed = NONE; // a huge page leaves no huge array behind it
    }
    return bytes;
  }

  /**
   * Hands {@code input[offset, offset + length)} to the compression threads, first waiting for the
   * oldest page in flight if there are as many as allowed. The task owns {@code input} from now on
   * and gives it to {@link PageArrays} once compressed; {@link #await} returns the compressed bytes.
   */
  FutureTask<byte[]> submit(byte[] input, int offset, int length) throws IOException {
    FutureTask<byte[]> oldest;
    while ((oldest = inFlight.peekFirst()) != null && (oldest.isDone() || inFlight.size() >= maxInFlight)) {
      await(oldest);
      inFlight.pollFirst();
    }
    FutureTask<byte[]> task = new FutureTask<>(() -> {
      ColumnCodec.PageCodec threadCodec = CompressionPool.threadResource(codec, codec::newPageCodec);
      byte[] bytes = threadCodec == null ? compress(input, offset, length) : compressOnThread(threadCodec,
          input, offset, length);
      PageArrays.give(input);
      return bytes;
    });
    inFlight.addLast(task);
    pool.offer(task); // refused: the writer compresses it when it needs it (await)
    return task;
  }

  /**
   * The compressed bytes of a page handed to {@link #submit}; compresses it on this thread if no
   * compression thread has started it.
   */
  static byte[] await(FutureTask<byte[]> task) throws IOException {
    return await(task, "compress a Parquet page");
  }

  /**
   * The result of a task handed to the pool; runs it on this thread if no thread of the pool has
   * started it. A failure is an {@link IOException} saying it could not {@code what}.
   */
  static <T> T await(FutureTask<T> task, String what) throws IOException {
    task.run(); // does nothing if a thread has started it or it is done
    try {
      return task.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted waiting to " + what);
      interrupted.initCause(e);
      throw interrupted;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException("cannot " + what + ": " + cause.getMessage(), cause);
    }
  }

  /** Counts a closed page, and lets go of the shared array if a huge page made it huge. */
  void closed() {
    closedPages++;
    if (page.length > PageArrays.MAX_ARRAY_BYTES) {
      page = NONE;
    }
  }

  /**
   * Frees the codec and gives the arrays back; pages in flight that no thread has started are never
   * compressed, and those being compressed finish on their own. Idempotent.
   */
  void close() {
    for (FutureTask<byte[]> task : inFlight) {
      task.cancel(false);
    }
    inFlight.clear();
    if (pageCodec != null) {
      pageCodec.close();
      pageCodec = null;
    }
    PageArrays.give(page);
    PageArrays.give(compressed);
    page = NONE;
    compressed = NONE;
  }

  /**
   * {@code input[offset, offset + length)} compressed by a compression thread's own codec, in a new
   * array of its size; the thread's output array stays with the thread ({@link Scratch}).
   */
  private static byte[] compressOnThread(ColumnCodec.PageCodec codec, byte[] input, int offset, int length)
      throws IOException {
    Scratch scratch = CompressionPool.threadResource(Scratch.class, Scratch::new);
    byte[] out = scratch.array(codec.maxCompressedLength(length));
    byte[] bytes = Arrays.copyOf(out, codec.compress(input, offset, length, out));
    scratch.trim();
    return bytes;
  }

  /** A compression thread's array to compress pages into, kept while the thread lives. */
  private static final class Scratch implements AutoCloseable {
    private byte[] array = NONE;

    byte[] array(int length) {
      if (array.length < length) {
        array = new byte[Math.max(length, array.length + (array.length >> 1))];
      }
      return array;
    }

    /** Lets go of an array a huge page made huge. */
    void trim() {
      if (array.length > PageArrays.MAX_ARRAY_BYTES) {
        array = NONE;
      }
    }

    @Override
    public void close() {
      array = NONE;
    }
  }
}
