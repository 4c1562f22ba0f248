package dev.fdbe.internal.source;

import dev.fdbe.schema.Row;
import java.util.List;

/** A {@link Row} over values normalized by {@link RowValues}. */
public class ArrayRow implements Row {
  private Object[] values = new Object[0];

  /** Points this row at another array of values. */
  protected final void set(Object[] newValues) {
    values = newValues;
  }

  @Override
  public boolean isNull(int column) {
    return values[column] == null;
  }

  @Override
  public String getString(int column) {
    return (String) values[column];
  }

  @Override
  public long getLong(int column) {
    return (Long) values[column];
  }

  @Override
  public boolean getBoolean(int column) {
    return (Boolean) values[column];
  }

  @Override
  public long getTimestampMicros(int column) {
    return (Long) values[column];
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<String> getStringList(int column) {
    return (List<String>) values[column];
  }
}
