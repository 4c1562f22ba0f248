package dev.fdbe.internal.source;

import dev.fdbe.schema.Column;
import dev.fdbe.schema.Schema;
import dev.fdbe.internal.Micros;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a row given as a map of column name to value into an array in schema order, checking
 * names, nullability and types. Values: {@code String} (or {@code UUID}) for STRING and JSON,
 * integral {@code Number} for INT64, {@code Boolean}, {@code Instant} or {@code OffsetDateTime} for
 * TIMESTAMP (stored as {@code Long} microseconds), {@code List<String>} for STRING_LIST.
 */
public final class RowValues {
  /**
   * The row's values in schema order.
   *
   * @throws IllegalArgumentException naming the column when a name is unknown, a required value is
   *     missing or a value has the wrong type
   */
  public static Object[] normalize(Schema schema, Map<String, ?> row) {
    for (String name : row.keySet()) {
      if (schema.indexOf(name) < 0) {
        throw new IllegalArgumentException("unknown column '" + name + "'; the columns are "
            + schema.columns().stream().map(Column::name).toList());
      }
    }
    Object[] values = new Object[schema.size()];
    for (int i = 0; i < schema.size(); i++) {
      Column column = schema.column(i);
      Object value = row.get(column.name());
      if (value == null) {
        if (!column.nullable()) {
          throw new IllegalArgumentException("column '" + column.name() + "' is required");
        }
        continue;
      }
      values[i] = convert(column, value);
    }
    return values;
  }

  private static Object convert(Column column, Object value) {
    switch (column.type()) {
      case STRING, JSON -> {
        if (value instanceof String || value instanceof UUID) {
          return value.toString();
        }
      }
      case INT64 -> {
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
          return ((Number) value).longValue();
        }
      }
      case BOOLEAN -> {
        if (value instanceof Boolean) {
          return value;
        }
      }
      case TIMESTAMP -> {
        if (value instanceof Instant instant) {
          return Micros.of(instant);
        }
        if (value instanceof OffsetDateTime time) {
          return Micros.of(time.toInstant());
        }
      }
      case STRING_LIST -> {
        if (value instanceof List<?> list) {
          List<String> strings = new ArrayList<>(list.size());
          for (Object element : list) {
            if (element != null && !(element instanceof String)) {
              throw wrongType(column, element);
            }
            strings.add((String) element);
          }
          return java.util.Collections.unmodifiableList(strings);
        }
      }
      default -> throw new IllegalStateException("unhandled column type " + column.type());
    }
    throw wrongType(column, value);
  }

  private static IllegalArgumentException wrongType(Column column, Object value) {
    return new IllegalArgumentException("column '" + column.name() + "' of type " + column.type()
        + " cannot hold a " + value.getClass().getSimpleName() + " (" + value + ")");
  }

  private RowValues() {}
}
