package dev.fdbe.schema;

import dev.fdbe.spi.RecordCursor;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The current row of a {@link RecordCursor}, read by column index in the model's
 * {@link dev.fdbe.schema.Schema} order with the accessor that matches the column's type. Writers read
 * typed fields straight from the row: no map, no boxing per value.
 *
 * <p>Calling an accessor on a null value, or one that does not match the column's type, is
 * undefined; check {@link #isNull(int)} first for nullable columns. A row is only valid until the
 * cursor moves.
 */
public interface Row {
  /** Whether the value at the column is null. */
  boolean isNull(int column);

  /** A {@code STRING} or {@code JSON} value (JSON as its text). */
  String getString(int column);

  /** An {@code INT64} value. */
  long getLong(int column);

  /** A {@code BOOLEAN} value. */
  boolean getBoolean(int column);

  /** A {@code TIMESTAMP} value as microseconds since 1970-01-01T00:00:00Z (negative before). */
  long getTimestampMicros(int column);

  /** A {@code STRING_LIST} value; its elements may be null. */
  List<@Nullable String> getStringList(int column);
}
