package dev.fdbe.schema;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The ordered columns of an export. Rows address columns by their index in this list.
 *
 * @param columns the columns in file order; names are unique
 */
public record Schema(List<Column> columns) {
  /**
   * Checks the components and copies {@code columns} (later changes to the given collection do not show).
   *
   * @throws NullPointerException naming the component when {@code columns} is null
   * @throws IllegalArgumentException naming the value when a component is out of its range
   */
  public Schema {
    columns = List.copyOf(Objects.requireNonNull(columns, "columns"));
    Set<String> names = new HashSet<>();
    for (Column column : columns) {
      if (!names.add(column.name())) {
        throw new IllegalArgumentException("duplicate column name '" + column.name() + "'");
      }
    }
  }

  /** A schema of the given columns. */
  public static Schema of(Column... columns) {
    return new Schema(List.of(columns));
  }

  /** The number of columns. */
  public int size() {
    return columns.size();
  }

  /** The column at the given index. */
  public Column column(int index) {
    return columns.get(index);
  }

  /** The index of the column with that name, or -1 when there is none. */
  public int indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }
}
