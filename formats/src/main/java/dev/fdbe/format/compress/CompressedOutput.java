package dev.fdbe.format.compress;

import dev.fdbe.format.internal.CompressionPool;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The (possibly compressed) byte stream of a text file, which can say before bytes are appended
 * how large the stored file would at most be with them.
 *
 * <p>gzip and zstd compress on the other cores: the bytes are cut into blocks of 512 KiB (an eighth
 * of the size limit when that is smaller, at least 16 KiB), which the threads every file in the JVM
 * shares compress while the writer goes on serializing rows; the file is still one standard stream
 * ({@code gzip -d} and {@code zstd -d} decode it). Per file, at most one block more than the pool
 * has threads, and at most {@value #MAX_BLOCKS_IN_FLIGHT}, are compressing at once, so a file holds
 * at most one block more than that, each with its compressed bytes (about 4 MiB on 2 cores, 6 MiB
 * from 4 cores up). On a machine with one processor, and for the other codecs, the codec's own
 * stream compresses on the writer's thread. {@code docs/compression.md} describes both.
 *
 * <p>The bound is what {@link #storedBytes()} has reached, plus the worst-case compressed size of
 * everything not yet written out (each block in flight, and the pending bytes with the new ones)
 * plus the codec's end bytes. To keep the bound close to the real size, the codec's stream is
 * flushed whenever the bytes written since the last flush reach an eighth of the size limit
 * (between 16 KiB and 8 MiB), blocks are never larger than that eighth either, and when the bound
 * of a file with blocks in flight would cross the limit, the blocks are waited for first; a file
 * that fills up to its limit therefore stores at least about 7/8 of it. Without a limit the stream
 * is never flushed early, and the bound is not needed. Not thread-safe: one writer thread.
 */
public final class CompressedOutput {
  /** The largest block compressed as one task. */
  static final int BLOCK_BYTES = 512 * 1024;
  /** The most blocks of one file compressing at once. */
  static final int MAX_BLOCKS_IN_FLIGHT = 5;

  private static final long MIN_FLUSH_BYTES = 16 * 1024;
  private static final long MAX_FLUSH_BYTES = 8L * 1024 * 1024;

  private final Target target;
  private boolean finished;

  /**
   * A stream onto {@code out}, which it never closes; gzip and zstd compress on the threads every
   * file shares.
   *
   * @param maxPartBytes the size limit the bound is used against, 0 for none
   */
  public CompressedOutput(OutputStream out, StreamCodec codec, long maxPartBytes) throws IOException {
    this(out, codec, maxPartBytes, CompressionPool.shared());
  }

  /** A stream whose gzip or zstd blocks the pool compresses; the codec's stream without one. */
  CompressedOutput(OutputStream out, StreamCodec codec, long maxPartBytes, Optional<CompressionPool> pool)
      throws IOException {
    Optional<BlockCodec> blockCodec = pool.isPresent() ? BlockCodec.of(codec) : Optional.empty();
    if (blockCodec.isPresent()) {
      CompressionPool threads = pool.orElseThrow();
      this.target = new BlockStream(out, blockCodec.get(), threads, blockBytes(maxPartBytes),
          Math.min(threads.threads(), MAX_BLOCKS_IN_FLIGHT - 1) + 1, maxPartBytes);
    } else {
      long flushEvery = maxPartBytes <= 0 || codec == StreamCodec.NONE
          ? 0
          : Math.max(MIN_FLUSH_BYTES, Math.min(MAX_FLUSH_BYTES, maxPartBytes / 8));
      this.target = new SerialStream(out, codec, flushEvery);
    }
  }

  /** The uncompressed bytes of a block for a file with this size limit (0 for none). */
  static int blockBytes(long maxPartBytes) {
    return maxPartBytes <= 0 ? BLOCK_BYTES : (int) Math.max(MIN_FLUSH_BYTES, Math.min(BLOCK_BYTES, maxPartBytes / 8));
  }

  /**
   * The upper bound of the stored size if {@code more} bytes were appended and the file ended.
   * When blocks are being compressed and the bound would cross the size limit, first waits for them
   * so that the bound counts what they really became.
   *
   * @throws IOException when compressing a block failed
   */
  public long boundWith(long more) throws IOException {
    return target.boundWith(more);
  }

  /**
   * Appends bytes.
   *
   * @throws IOException when the underlying stream fails, or compressing a block failed
   */
  public void write(byte[] bytes, int offset, int length) throws IOException {
    target.write(bytes, offset, length);
  }

  /** Bytes emitted to the underlying stream so far. */
  public long storedBytes() {
    return target.written();
  }

  /**
   * Ends the compressed stream and flushes everything to the underlying stream; idempotent.
   *
   * @throws IOException when the underlying stream fails, or compressing a block failed
   */
  public void finish() throws IOException {
    if (!finished) {
      finished = true;
      target.finish();
    }
  }

  /** Where the bytes go: blocks compressed in parallel, or the codec's stream. */
  Target target() {
    return target;
  }

  /** A compressed stream that bounds its size; see the class comment. */
  interface Target {
    long boundWith(long more) throws IOException;

    void write(byte[] bytes, int offset, int length) throws IOException;

    long written();

    void finish() throws IOException;
  }

  /** The codec's own stream on the writer's thread, flushed every {@code flushEvery} bytes. */
  static final class SerialStream implements Target {
    private static final int WRITE_BYTES = 64 * 1024;

    private final StreamCodec codec;
    private final Counting counted;
    private final OutputStream stream;
    private final long flushEvery;
    private long unflushed;

    SerialStream(OutputStream out, StreamCodec codec, long flushEvery) throws IOException {
      this.codec = codec;
      this.counted = new Counting(out);
      // Rows arrive one by one (a few hundred bytes each); native codecs pay a JNI call per write, so
      // they get 64 KiB at a time. Buffered bytes count as unflushed, so the bound stays exact.
      this.stream = codec == StreamCodec.NONE ? codec.compress(counted)
          : new BufferedOutputStream(codec.compress(counted), WRITE_BYTES);
      this.flushEvery = flushEvery;
    }

    @Override
    public long boundWith(long more) {
      return counted.count + codec.maxCompressedSize(unflushed + more) + codec.maxEndBytes();
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      stream.write(bytes, offset, length);
      if (codec == StreamCodec.NONE) {
        return;
      }
      unflushed += length;
      if (flushEvery > 0 && unflushed >= flushEvery) {
        stream.flush();
        unflushed = 0;
      }
    }

    @Override
    public long written() {
      return counted.count;
    }

    @Override
    public void finish() throws IOException {
      stream.close();
    }
  }

  /** Counts the bytes on their way out. */
  private static final class Counting extends FilterOutputStream {
    long count;

    Counting(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
