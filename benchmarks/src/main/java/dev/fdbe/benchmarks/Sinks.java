package dev.fdbe.benchmarks;

import java.io.OutputStream;

/** Where benchmarks write: outputs that count the bytes and drop them, so only the writer is measured. */
final class Sinks {
  private Sinks() {}

  /** Counts and drops the bytes. */
  static class Counting extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }

  /** Counts the bytes and keeps them, so tests can read back what a benchmark wrote. */
  static final class Capturing extends Counting {
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();

    @Override
    public void write(int b) {
      super.write(b);
      bytes.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      super.write(b, off, len);
      bytes.write(b, off, len);
    }
  }
}
