package dev.fdbe.format.parquet;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Parquet's view of the engine's output stream: it counts the bytes written, which is the position
 * parquet-java records in the footer, and never closes the engine's stream (closing it only
 * flushes). Only one stream may be created.
 */
final class StreamOutputFile implements OutputFile {
  private final OutputStream out;
  private CountingStream stream;

  StreamOutputFile(OutputStream out) {
    this.out = out;
  }

  /** The bytes written to the engine's stream so far. */
  long position() {
    return stream == null ? 0 : stream.position;
  }

  @Override
  public PositionOutputStream create(long blockSizeHint) {
    if (stream != null) {
      throw new IllegalStateException("a Parquet file was already started on this stream");
    }
    stream = new CountingStream(out);
    return stream;
  }

  @Override
  public PositionOutputStream createOrOverwrite(long blockSizeHint) {
    return create(blockSizeHint);
  }

  @Override
  public boolean supportsBlockSize() {
    return false;
  }

  @Override
  public long defaultBlockSize() {
    return 0;
  }

  @Override
  public String getPath() {
    return "output stream";
  }

  private static final class CountingStream extends PositionOutputStream {
    private final OutputStream out;
    private long position;

    CountingStream(OutputStream out) {
      this.out = out;
    }

    @Override
    public long getPos() {
      return position;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      position++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      position += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    /** Flushes; the engine's stream stays open. */
    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
