package dev.fdbe.schema;

import java.util.Objects;

/**
 * One exported column: its name, type and whether it may hold nulls.
 *
 * @param name the column name as written in file headers and schemas
 * @param type the column type
 * @param nullable whether rows may hold null in this column
 */
public record Column(String name, ColumnType type, boolean nullable) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code name} or {@code type} is null
   * @throws IllegalArgumentException naming the value when a component is out of its range
   */
  public Column {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("column name must not be empty");
    }
  }

  /** A column that never holds null. */
  public static Column required(String name, ColumnType type) {
    return new Column(name, type, false);
  }

  /** A column that may hold null. */
  public static Column optional(String name, ColumnType type) {
    return new Column(name, type, true);
  }
}
