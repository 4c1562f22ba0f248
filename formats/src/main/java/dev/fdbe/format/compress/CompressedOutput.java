package dev.fdbe.format.compress;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The (possibly compressed) byte stream of a text file, which can say before bytes are appended
 * how large the stored file would at most be with them.
 *
 * <p>The bound is what {@link #storedBytes()} has reached, plus the worst-case compressed size of
 * everything written since the last flush and of the new bytes, plus the codec's end bytes. To keep
 * the bound close to the real size, the stream is flushed whenever the bytes written since the last
 * flush reach an eighth of the size limit (between 16 KiB and 8 MiB); a file that fills up to its
 * limit therefore stores at least about 7/8 of it. Without a limit the stream is never flushed
 * early, and the bound is not needed. Not thread-safe.
 */
public final class CompressedOutput {
  private static final long MIN_FLUSH_BYTES = 16 * 1024;
  private static final int WRITE_BYTES = 64 * 1024;
  private static final long MAX_FLUSH_BYTES = 8L * 1024 * 1024;

  private final StreamCodec codec;
  private final Counting counted;
  private final OutputStream stream;
  private final long flushEvery;
  private long unflushed;
  private boolean finished;

  /**
   * A stream onto {@code out}, which it never closes.
   *
   * @param maxPartBytes the size limit the bound is used against, 0 for none
   */
  public CompressedOutput(OutputStream out, StreamCodec codec, long maxPartBytes) throws IOException {
    this.codec = codec;
    this.counted = new Counting(out);
    // Rows arrive one by one (a few hundred bytes each); native codecs pay a JNI call per write, so
    // they get 64 KiB at a time. Buffered bytes count as unflushed, so the bound stays exact.
    this.stream = codec == StreamCodec.NONE ? codec.compress(counted)
        : new BufferedOutputStream(codec.compress(counted), WRITE_BYTES);
    this.flushEvery = maxPartBytes <= 0 || codec == StreamCodec.NONE
        ? 0
        : Math.max(MIN_FLUSH_BYTES, Math.min(MAX_FLUSH_BYTES, maxPartBytes / 8));
  }

  /** The upper bound of the stored size if {@code more} bytes were appended and the file ended. */
  public long boundWith(long more) {
    return counted.count + codec.maxCompressedSize(unflushed + more) + codec.maxEndBytes();
  }

  /** Appends bytes. */
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

  /** Bytes emitted to the underlying stream so far. */
  public long storedBytes() {
    return counted.count;
  }

  /** Ends the compressed stream and flushes everything to the underlying stream; idempotent. */
  public void finish() throws IOException {
    if (!finished) {
      finished = true;
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
