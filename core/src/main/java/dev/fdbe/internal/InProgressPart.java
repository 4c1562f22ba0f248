package dev.fdbe.internal;

import dev.fdbe.Compression;
import dev.fdbe.Model;
import dev.fdbe.schema.Row;
import dev.fdbe.spi.BlobUpload;
import dev.fdbe.spi.FormatProvider;
import dev.fdbe.spi.RecordWriter;
import dev.fdbe.spi.WriterContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;

/**
 * The part file being written, the first state of a part's lifecycle (named after Flink's file
 * sink): rows are staged and appended to its format's writer, whose bytes go through a buffer and a
 * counting, hashing stream into an upload that is not yet visible.
 *
 * <pre>
 *   in progress --closeForCommit()--> pending --commit()--> committed (stored and registered)
 *        |                               |
 *     abort()                         abort()
 * </pre>
 *
 * <p>Nothing of the part is visible in the blob store before its {@link PendingPart} is committed.
 * Owned by the worker thread that writes the run; not thread-safe (its upload's {@code abort} may
 * still be called from another thread to stop it).
 */
final class InProgressPart {
  private static final int BUFFER_BYTES = 64 * 1024;

  private final PartKey key;
  private final BlobUpload upload;
  private final DigestingOutputStream digest;
  private final OutputStream buffered;
  private final RecordWriter writer;

  private InProgressPart(PartKey key, BlobUpload upload, DigestingOutputStream digest, OutputStream buffered,
      RecordWriter writer) {
    this.key = key;
    this.upload = upload;
    this.digest = digest;
    this.buffered = buffered;
    this.writer = writer;
  }

  /**
   * Opens the part on an upload begun for its key, with a writer of the format for the model's
   * columns. When the writer cannot be opened, the upload is aborted before the failure is thrown.
   */
  static InProgressPart open(PartKey key, BlobUpload upload, FormatProvider format, Model model,
      Compression compression, WriterContext context) throws IOException {
    try {
      DigestingOutputStream digest = new DigestingOutputStream(upload.stream());
      OutputStream buffered = new BufferedOutputStream(digest, BUFFER_BYTES);
      RecordWriter writer = format.open(buffered, model.schema(), compression, context);
      return new InProgressPart(key, upload, digest, buffered, writer);
    } catch (Throwable failure) {
      upload.abort();
      throw failure;
    }
  }

  /** Where the part is stored once committed. */
  PartKey key() {
    return key;
  }

  /**
   * Serializes the row without appending it.
   *
   * @return the part's stored size if the row were appended and the part closed (an upper bound)
   */
  long stage(Row row) throws IOException {
    return writer.stage(row);
  }

  /** Appends the row staged last. */
  void append() throws IOException {
    writer.commit();
  }

  /** The rows appended so far. */
  long records() {
    return writer.records();
  }

  /** The bytes passed on to the upload so far; the writer and the buffer in front of it may hold more. */
  long bytesWritten() {
    return digest.count();
  }

  /**
   * Completes the file (the format's footer, the buffered bytes) and closes the part for commit: it
   * takes no more rows, and the pending part holds its upload with the bytes, rows and SHA-256
   * written. Call once.
   */
  PendingPart closeForCommit() throws IOException {
    writer.finish();
    buffered.flush();
    return new PendingPart(key, upload, writer.records(), digest.count(), digest.sha256Hex());
  }

  /** Discards the part: its upload is aborted and nothing of it is stored. Idempotent. */
  void abort() {
    upload.abort();
  }
}
