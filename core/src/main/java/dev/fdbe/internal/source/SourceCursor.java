package dev.fdbe.internal.source;

import dev.fdbe.schema.Schema;
import dev.fdbe.spi.RecordCursor;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * What the cursors over a JDBC source ({@link JdbcCursor}, {@link PostgresCopyCursor}) share: the
 * current row, read into typed arrays once per row (longs unboxed: integers, booleans as 0 or 1,
 * timestamps as microseconds) so that writers read each value without further calls into the
 * driver, and the count of the selection on a connection of its own ({@link SourceCount}), which
 * may run beside the read; and which rows are copies of events to skip ({@link #skipsCopy()}).
 * Subclasses fill the arrays for each row, and stop {@link #counter} when cancelled or closed.
 */
abstract class SourceCursor implements RecordCursor {
  /** Whether each column of the row is null. */
  protected final boolean[] nulls;
  /** INT64, BOOLEAN (0 or 1) and TIMESTAMP (microseconds) values. */
  protected final long[] longs;
  /** STRING and JSON values. */
  protected final String[] strings;
  /** STRING_LIST values. */
  protected final List<?>[] lists;

  /** The count of the rows, which {@link #cancel()} and {@link #close()} must stop. */
  protected final SourceCount counter;

  /** The uuid column of events read from H2, whose anti-join keeps exact copies; otherwise -1. */
  private final int uuidColumn;
  private String previousUuid;
  /** The copied uuids of events read from PostgreSQL, listed when the cursor starts ({@link #readsDistinct}). */
  private UuidCopies copies = UuidCopies.NONE;

  SourceCursor(int columns, int uuidColumn, SourceCount counter) {
    this.uuidColumn = uuidColumn;
    this.counter = counter;
    this.nulls = new boolean[columns];
    this.longs = new long[columns];
    this.strings = new String[columns];
    this.lists = new List<?>[columns];
  }

  /**
   * Whether the row just read is a copy of an event already exported: on H2, an exact copy (same
   * uuid, time and {@code _inserted_at}) that the query keeps next to the first; on PostgreSQL, a
   * copy that {@link UuidCopies} lists.
   */
  protected final boolean skipsCopy() {
    return repeatsUuid() || copies.skips(nulls, longs, strings);
  }

  private boolean repeatsUuid() {
    if (uuidColumn < 0) {
      return false;
    }
    String uuid = strings[uuidColumn];
    if (uuid.equals(previousUuid)) {
      return true;
    }
    previousUuid = uuid;
    return false;
  }

  /**
   * Before reading events from PostgreSQL ({@code sql.copies()} not null), lists the copied uuids
   * for {@link #skipsCopy()}; true when they are too many to hold ({@link UuidCopies#CAP}) and the
   * cursor must read the select that deduplicates in the database ({@link SourceSql.Copies#distinct()})
   * instead of {@code sql.select()}.
   *
   * @param ownTransaction whether the cursor began the connection's transaction
   * @param running told of each statement as it starts, so that a cancel can reach it
   */
  protected final boolean readsDistinct(Connection connection, SourceSql sql, Schema schema, boolean ownTransaction,
      Consumer<Statement> running) throws SQLException {
    if (sql.copies() == null) {
      return false;
    }
    UuidCopies listed = UuidCopies.read(connection, sql.copies(), schema, ownTransaction, running);
    copies = listed == null ? UuidCopies.NONE : listed;
    return listed == null;
  }

  /** Counts on a connection of its own ({@link SourceCount}); {@link #cancel()} and {@link #close()} stop it. */
  @Override
  public final OptionalLong count() {
    return counter.count();
  }

  /** True: {@link #count()} runs on a connection of its own, beside the read. */
  @Override
  public final boolean countsConcurrently() {
    return true;
  }

  @Override
  public final boolean isNull(int column) {
    return nulls[column];
  }

  @Override
  public final String getString(int column) {
    return strings[column];
  }

  @Override
  public final long getLong(int column) {
    return longs[column];
  }

  @Override
  public final boolean getBoolean(int column) {
    return longs[column] != 0;
  }

  @Override
  public final long getTimestampMicros(int column) {
    return longs[column];
  }

  @Override
  @SuppressWarnings("unchecked")
  public final List<String> getStringList(int column) {
    return (List<String>) lists[column];
  }

  /**
   * Ends the transaction a cursor began (when it turned auto-commit off to stream) and closes the
   * connection, returning it to its pool as it was lent; a failure is swallowed, as closing the
   * connection releases whatever is left.
   */
  static void release(Connection connection, boolean restoreAutoCommit) {
    try {
      if (restoreAutoCommit) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    } catch (SQLException ignored) {
      // Closing the connection below releases whatever is left.
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Nothing more can be done for a connection that fails to close.
      }
    }
  }
}
