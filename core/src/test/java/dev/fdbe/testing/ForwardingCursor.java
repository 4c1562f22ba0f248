package dev.fdbe.testing;

import dev.fdbe.spi.RecordCursor;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * A cursor that passes every call to another; tests subclass it to change {@link #next()} or
 * {@link #cancel()} (hold a reader, count rows, fail on cue) and keep the rest, {@link #count()} included.
 */
public abstract class ForwardingCursor implements RecordCursor {
  protected final RecordCursor cursor;

  protected ForwardingCursor(RecordCursor cursor) {
    this.cursor = Objects.requireNonNull(cursor, "cursor");
  }

  @Override
  public boolean next() {
    return cursor.next();
  }

  @Override
  public OptionalLong count() {
    return cursor.count();
  }

  @Override
  public boolean countsConcurrently() {
    return cursor.countsConcurrently();
  }

  @Override
  public void cancel() {
    cursor.cancel();
  }

  @Override
  public void close() {
    cursor.close();
  }

  @Override
  public boolean isNull(int column) {
    return cursor.isNull(column);
  }

  @Override
  public String getString(int column) {
    return cursor.getString(column);
  }

  @Override
  public long getLong(int column) {
    return cursor.getLong(column);
  }

  @Override
  public boolean getBoolean(int column) {
    return cursor.getBoolean(column);
  }

  @Override
  public long getTimestampMicros(int column) {
    return cursor.getTimestampMicros(column);
  }

  @Override
  public List<String> getStringList(int column) {
    return cursor.getStringList(column);
  }
}
