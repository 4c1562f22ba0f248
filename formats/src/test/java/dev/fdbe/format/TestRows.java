package dev.fdbe.format;

import dev.fdbe.schema.Column;
import dev.fdbe.schema.Schema;
import dev.fdbe.schema.Row;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rows for format tests, given as maps in the values {@link RowReader} returns. */
public final class TestRows {
  /** A row over a map of column name to value (Instant for timestamps, JSON as text). */
  public static Row row(Schema schema, Map<String, Object> values) {
    Object[] array = new Object[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      array[i] = values.get(schema.column(i).name());
    }
    return new Row() {
      @Override
      public boolean isNull(int column) {
        return array[column] == null;
      }

      @Override
      public String getString(int column) {
        return (String) array[column];
      }

      @Override
      public long getLong(int column) {
        return ((Number) array[column]).longValue();
      }

      @Override
      public boolean getBoolean(int column) {
        return (Boolean) array[column];
      }

      @Override
      public long getTimestampMicros(int column) {
        Instant instant = (Instant) array[column];
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1000);
      }

      @Override
      @SuppressWarnings("unchecked")
      public List<String> getStringList(int column) {
        return (List<String>) array[column];
      }
    };
  }

  /** The row as a reader returns it: every column present, JSON compacted. */
  public static Map<String, Object> expected(Schema schema, Map<String, Object> values) {
    Map<String, Object> row = new LinkedHashMap<>();
    for (Column column : schema.columns()) {
      Object value = values.get(column.name());
      if (value != null && column.type() == dev.fdbe.schema.ColumnType.JSON) {
        String compact = Json.compact((String) value);
        value = compact != null ? compact : Json.compact(quote((String) value));
      }
      row.put(column.name(), value);
    }
    return row;
  }

  private static String quote(String text) {
    try {
      java.io.StringWriter out = new java.io.StringWriter();
      try (var generator = Json.FACTORY.createGenerator(out)) {
        generator.writeString(text);
      }
      return out.toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private TestRows() {}
}
