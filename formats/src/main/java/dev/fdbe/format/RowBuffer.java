package dev.fdbe.format;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte buffer that one row is serialized into before the part roller decides where it
 * goes. Reused for every row; not thread-safe. Besides the stream methods, a writer may fill the
 * backing array in place: {@link #reserve} makes room after the bytes held and {@link #advance}
 * then counts what was written there, which spares a call per byte in escaping loops.
 */
public final class RowBuffer extends OutputStream {
  /** The largest array the JVM reliably allocates. */
  private static final int MAX_SIZE = Integer.MAX_VALUE - 8;

  private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
  private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};

  private final IsoTimestamps timestamps = new IsoTimestamps();
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

  /** Writes the decimal digits of {@code value}, as {@link Long#toString(long)} spells them. */
  public void writeLong(long value) {
    String digits = Long.toString(value);
    ensure(digits.length());
    for (int i = 0; i < digits.length(); i++) {
      bytes[size++] = (byte) digits.charAt(i);
    }
  }

  /** Writes a timestamp as {@link IsoTimestamps#format(long, byte[], int)} spells it. */
  public void writeTimestamp(long micros) {
    ensure(IsoTimestamps.MAX_LENGTH);
    size += timestamps.write(micros, bytes, size);
  }

  /** Writes {@code true} or {@code false}. */
  public void writeBoolean(boolean value) {
    byte[] literal = value ? TRUE : FALSE;
    write(literal, 0, literal.length);
  }

  private void ensure(int more) {
    long needed = (long) size + more;
    if (needed > bytes.length) {
      if (more < 0 || needed > MAX_SIZE) {
        throw new IllegalArgumentException("a row cannot take more than " + MAX_SIZE + " bytes; it needs " + needed);
      }
      bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_SIZE, Math.max(2L * bytes.length, needed)));
    }
  }

  /**
   * Makes room for at least {@code more} bytes after the bytes held and returns the backing array;
   * write them from index {@link #size()}, then call {@link #advance}. The array is only valid until
   * the next call that may grow the buffer.
   */
  public byte[] reserve(int more) {
    ensure(more);
    return bytes;
  }

  /** Counts {@code written} bytes put into the array {@link #reserve} returned, from {@link #size()}. */
  public void advance(int written) {
    if (written < 0 || size + written > bytes.length) {
      throw new IndexOutOfBoundsException("cannot advance " + written + " bytes from " + size + " of " + bytes.length);
    }
    size += written;
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
