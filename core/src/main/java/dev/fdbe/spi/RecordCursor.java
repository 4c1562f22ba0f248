package dev.fdbe.spi;

import dev.fdbe.schema.Row;
import java.util.OptionalLong;

/**
 * A forward-only stream of rows from a {@link RecordSource}; the cursor itself is the current row.
 *
 * <p>Not thread-safe, except {@link #cancel()}, which another thread may call to make a blocked
 * {@link #count()} or {@link #next()} return or fail promptly, and {@link #count()} on a cursor that
 * {@linkplain #countsConcurrently() counts concurrently}.
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

  /**
   * How many rows this cursor will return in all, counted by the source: the engine calls it once
   * and shows the result as the run's {@code records_total} — before the first {@link #next()}, or,
   * when the cursor {@linkplain #countsConcurrently() counts concurrently}, on a thread of its own
   * while the rows are read. A count selects exactly as the cursor does (interval, filters, each
   * event uuid once); rows that change in the source between the count and the read may make the
   * two differ. Counting may take as long as a scan of the selected rows; {@link #cancel()} stops
   * it, from any thread. The sources of {@link dev.fdbe.RecordSources} count: the JDBC ones with a
   * query built from the same selection as their rows (a {@code COUNT}, or on H2 for events the
   * selection's uuids, counted as the cursor would read them), the in-memory one for free.
   *
   * <p>The default counts nothing and returns empty: the run's total is then unknown. A cursor
   * that wraps another should pass the call on.
   *
   * @return the number of rows, or empty when this source cannot count them beforehand
   * @throws dev.fdbe.ExportException when counting fails or is cancelled; {@code isRetryable()}
   *     says whether trying again later may work
   * @throws IllegalStateException when called after {@link #next()} by a cursor that counts, unless
   *     it counts concurrently
   */
  default OptionalLong count() {
    return OptionalLong.empty();
  }

  /**
   * Whether {@link #count()} may run on another thread while {@link #next()} reads the rows. The
   * engine then counts beside the read instead of before it, so that a run shows its total without
   * waiting for it: where a core is free, counting costs the export no time. A cursor that says so
   * counts with resources of its own (the JDBC sources count on a connection of their own), and lets
   * {@link #cancel()} and {@link #close()} stop a count still running. When every row has been read
   * before the count returns, the engine stops waiting for it and takes the rows it read as the
   * total.
   *
   * <p>The default is false: the engine counts first, then reads.
   *
   * @return true when {@link #count()} is safe to call concurrently with {@link #next()}
   */
  default boolean countsConcurrently() {
    return false;
  }

  /** Asks a blocked or later {@link #next()} to stop; idempotent, callable from any thread. */
  void cancel();

  /** Releases the cursor's resources (connection, statement); idempotent. */
  @Override
  void close();
}
