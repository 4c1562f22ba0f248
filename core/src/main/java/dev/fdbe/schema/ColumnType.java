package dev.fdbe.schema;

/**
 * The type of an exported column. Each format maps these types the same way: timestamps are
 * UTC with microsecond precision, JSON columns are nested objects in JSONLines and text elsewhere,
 * string lists are Parquet lists, JSON arrays in JSONLines and JSON text in CSV.
 */
public enum ColumnType {
  /** UTF-8 text. Read with {@link dev.fdbe.schema.Row#getString(int)}. */
  STRING("string"),
  /** A signed 64-bit integer. Read with {@link dev.fdbe.schema.Row#getLong(int)}. */
  INT64("int64"),
  /** A boolean. Read with {@link dev.fdbe.schema.Row#getBoolean(int)}. */
  BOOLEAN("boolean"),
  /** A UTC instant with microsecond precision. Read with {@link dev.fdbe.schema.Row#getTimestampMicros(int)}. */
  TIMESTAMP("timestamp"),
  /** A JSON document held as text. Read with {@link dev.fdbe.schema.Row#getString(int)}. */
  JSON("json"),
  /** A list of strings. Read with {@link dev.fdbe.schema.Row#getStringList(int)}. */
  STRING_LIST("list<string>");

  private final String wireName;

  ColumnType(String wireName) {
    this.wireName = wireName;
  }

  /** The name used in a run's manifest, e.g. {@code "list<string>"}. */
  public String wireName() {
    return wireName;
  }

  @Override
  public String toString() {
    return wireName;
  }
}
