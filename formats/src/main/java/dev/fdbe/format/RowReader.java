package dev.fdbe.format;

import java.io.Closeable;
import java.io.IOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads the rows of an exported file back, one at a time. Values by column name in schema order:
 * {@code String} for strings, {@code Long} for integers, {@code Boolean}, {@code Instant} for
 * timestamps, compact JSON text for JSON columns, {@code List<String>} for lists, null for null.
 * Not thread-safe.
 */
public interface RowReader extends Closeable {
  /**
   * The next row, or null at the end of the file.
   *
   * @throws dev.fdbe.ExportException when the file does not hold rows of the schema
   */
  @Nullable
  Map<String, Object> next() throws IOException;
}
