package dev.fdbe.spi;

import dev.fdbe.schema.Row;

/**
 * A forward-only stream of rows from a {@link RecordSource}; the cursor itself is the current row.
 *
 * <p>Not thread-safe, except {@link #cancel()}, which another thread may call to make a blocked
 * {@link #next()} return or fail promptly.
 */
public interface RecordCursor extends Row, AutoCloseable {
  /**
   * Moves to the next row.
   *
   * @return false when there are no more rows
   * @throws dev.fdbe.ExportException when reading fails; {@code isRetryable()} says whether trying
   *     again later may work
   */
  boolean next();

  /** Asks a blocked or later {@link #next()} to stop; idempotent, callable from any thread. */
  void cancel();

  /** Releases the cursor's resources (connection, statement); idempotent. */
  @Override
  void close();
}
