package dev.fdbe.storage.s3;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import software.amazon.awssdk.checksums.DefaultChecksumAlgorithm;
import software.amazon.awssdk.checksums.SdkChecksum;

/*
 * The bytes of one part, in chunks of CHUNK_BYTES taken as they are needed: an object smaller than
 * a part holds only the chunks it fills, and no array of a whole part (up to 5 GiB) is ever
 * allocated or copied. Filled by the writer thread, then read (possibly several times, on retries)
 * by the thread uploading it; the hand-over goes through the upload's lock.
 */
final class PartBuffer {
  static final int CHUNK_BYTES = 1024 * 1024;

  private final int number;
  private final long capacity;
  private final List<byte[]> chunks = new ArrayList<>();
  private long size;

  PartBuffer(int number, long capacity) {
    this.number = number;
    this.capacity = capacity;
  }

  /** The part number, from 1. */
  int number() {
    return number;
  }

  long size() {
    return size;
  }

  boolean isFull() {
    return size == capacity;
  }

  /** Appends as many of the bytes as fit, taking new chunks from {@code chunkSource}; returns how many. */
  int append(byte[] b, int off, int len, Supplier<byte[]> chunkSource) {
    int total = (int) Math.min(len, capacity - size);
    int done = 0;
    while (done < total) {
      int chunk = (int) (size / CHUNK_BYTES);
      int at = (int) (size % CHUNK_BYTES);
      if (chunk == chunks.size()) {
        chunks.add(chunkSource.get());
      }
      int n = Math.min(total - done, CHUNK_BYTES - at);
      System.arraycopy(b, off + done, chunks.get(chunk), at, n);
      done += n;
      size += n;
    }
    return done;
  }

  /**
   * The part's CRC32C, base64 as S3 writes it, computed with the SDK's checksum support. Sent as
   * the {@code x-amz-checksum-crc32c} header, S3 checks the body against it before storing the
   * part and keeps it; sending it as a header rather than an aws-chunked trailer also lets
   * S3-compatible stores that only read headers check and keep it.
   */
  String crc32c() {
    SdkChecksum checksum = SdkChecksum.forAlgorithm(DefaultChecksumAlgorithm.CRC32C);
    long left = size;
    for (byte[] chunk : chunks) {
      int n = (int) Math.min(left, chunk.length);
      checksum.update(chunk, 0, n);
      left -= n;
    }
    return Base64.getEncoder().encodeToString(checksum.getChecksumBytes());
  }

  /** Takes the chunks away, for reuse by the next part. */
  List<byte[]> release() {
    List<byte[]> released = new ArrayList<>(chunks);
    chunks.clear();
    size = 0;
    return released;
  }

  /**
   * A new stream over the bytes; each read first asks {@code cancelled}, and once it says true the
   * stream fails, so that an upload in flight stops sending as soon as its upload is aborted.
   */
  InputStream newStream(BooleanSupplier cancelled) {
    return new InputStream() {
      private long position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (cancelled.getAsBoolean()) {
          throw new UploadCancelledException(number);
        }
        if (position >= size) {
          return -1;
        }
        if (len == 0) {
          return 0;
        }
        int chunk = (int) (position / CHUNK_BYTES);
        int at = (int) (position % CHUNK_BYTES);
        int n = (int) Math.min(len, Math.min(CHUNK_BYTES - at, size - position));
        System.arraycopy(chunks.get(chunk), at, b, off, n);
        position += n;
        return n;
      }

      @Override
      public int available() {
        return (int) Math.min(Integer.MAX_VALUE, size - position);
      }
    };
  }

  /**
   * Thrown into the HTTP client by the body of a part whose upload was aborted. Unchecked, so that
   * the SDK does not take it for a transient I/O error and retry the part.
   */
  static final class UploadCancelledException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UploadCancelledException(int part) {
      super("part " + part + " was not sent: its upload was aborted");
    }
  }
}
