package dev.fdbe.internal;

import dev.fdbe.schema.Row;
import java.util.List;

/** A row whose first column is the text, all that {@link dev.fdbe.testing.LinesFormat} writes of a row. */
record TextRow(String text) implements Row {
  /** A row that {@code LinesFormat} writes as {@code bytes} bytes, line feed included. */
  static TextRow ofBytes(int bytes) {
    return new TextRow("x".repeat(bytes - 1));
  }

  @Override
  public boolean isNull(int column) {
    return false;
  }

  @Override
  public String getString(int column) {
    return text;
  }

  @Override
  public long getLong(int column) {
    throw new UnsupportedOperationException("a text row has no long column");
  }

  @Override
  public boolean getBoolean(int column) {
    throw new UnsupportedOperationException("a text row has no boolean column");
  }

  @Override
  public long getTimestampMicros(int column) {
    throw new UnsupportedOperationException("a text row has no timestamp column");
  }

  @Override
  public List<String> getStringList(int column) {
    throw new UnsupportedOperationException("a text row has no list column");
  }
}
