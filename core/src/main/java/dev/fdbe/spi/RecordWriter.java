package dev.fdbe.spi;

import java.io.IOException;
import dev.fdbe.schema.Row;

/**
 * Writes the rows of one file. Rows are added in two steps so that the part roller can keep every
 * part within its size limit before a row would cross it: {@link #stage(Row)} serializes the row and
 * answers how large the file would be with it, then {@link #commit()} appends it. A staged row that
 * is not committed is dropped by the next {@code stage} or by {@link #finish()}.
 *
 * <p>Sizes are stored bytes: what ends up in the output stream, after compression.
 * Not thread-safe.
 */
public interface RecordWriter {
  /**
   * Serializes the row without appending it.
   *
   * @return an upper bound of the file's stored size if this row were committed and the file
   *     finished right after; exact for uncompressed streams
   * @throws dev.fdbe.ExportException when the row cannot be written in this format
   */
  long stage(Row row) throws IOException;

  /** Appends the staged row. */
  void commit() throws IOException;

  /** The rows committed so far. */
  long records();

  /**
   * Completes the file (footer, end of the compressed stream) and flushes it to the output
   * stream, which stays open. The writer takes no more rows.
   */
  void finish() throws IOException;
}
