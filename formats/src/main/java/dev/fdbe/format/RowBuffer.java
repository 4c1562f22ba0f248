package dev.fdbe.format;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that one row is serialized into before the part roller decides where it
 * goes. Reused for every row; not thread-safe.
 */
public final class RowBuffer extends OutputStream {
  private byte[] bytes = new byte[4096];
  private int size;

  @Override
  public void write(int b) {
    ensure(1);
    bytes[size++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) {
    ensure(len);
    System.arraycopy(b, off, bytes, size, len);
    size += len;
  }

  private void ensure(int more) {
    if (size + more > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
    }
  }

  /** The bytes held. */
  public int size() {
    return size;
  }

  /** Forgets the bytes held, keeping the capacity. */
  public void reset() {
    size = 0;
  }

  /** Copies the bytes held to {@code out}. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(bytes, 0, size);
  }

  /** The array backing the buffer; valid up to {@link #size()}. */
  public byte[] array() {
    return bytes;
  }
}
