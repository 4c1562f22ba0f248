package dev.fdbe.internal.source;

import dev.fdbe.ExportException;
import dev.fdbe.spi.RecordCursor;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

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
  /**
   * STRING and JSON values; null for a value that a subclass holds in {@link #utf8} instead, which
   * {@link #getString} decodes when asked.
   */
  protected final String[] strings;
  /**
   * STRING and JSON values as the source's UTF-8 bytes, for a subclass that reads them so (the
   * COPY): the reading thread certifies JSON without a string in between, and hands strings to the
   * writers as they are ({@link #utf8(int)}). A STRING value's bytes must be exactly its text's
   * encoding (well-formed UTF-8). Null elsewhere; a subclass that sets one sets the column's
   * {@link #strings} element to null.
   */
  protected final byte[][] utf8;
  /** STRING_LIST values. */
  protected final List<?>[] lists;

  /** The count of the rows, which {@link #cancel()} and {@link #close()} must stop. */
  protected final SourceCount counter;

  /**
   * The uuid column of events when the select that deduplicates in the database keeps exact copies
   * adjacent (H2's anti-join); otherwise -1.
   */
  private final int adjacentCopiesColumn;
  /** {@link #adjacentCopiesColumn} while reading that select, whose exact copies are skipped; otherwise -1. */
  private int uuidColumn;
  private String previousUuid;
  /** The copied uuids of events, listed when the cursor starts ({@link #readsDistinct}). */
  private UuidCopies copies = UuidCopies.NONE;

  /** How copied events are listed, for events; otherwise null. */
  private final SourceSql.@Nullable Copies listedBy;
  /** The table read, for messages. */
  protected final String table;
  /** Guards the list, which runs once on whichever thread asks first. */
  private final Object listing = new Object();
  private boolean listed;
  private volatile boolean listingNow;
  private @Nullable UuidCopies listedCopies;
  private @Nullable Exception listFailure;

  SourceCursor(int columns, int adjacentCopiesColumn, SourceCount counter, SourceSql sql, String table) {
    this.adjacentCopiesColumn = adjacentCopiesColumn;
    this.uuidColumn = sql.copies() == null ? adjacentCopiesColumn : -1; // no list: the select deduplicates
    this.counter = counter;
    this.listedBy = sql.copies();
    this.table = table;
    this.nulls = new boolean[columns];
    this.longs = new long[columns];
    this.strings = new String[columns];
    this.utf8 = new byte[columns][];
    this.lists = new List<?>[columns];
  }

  /**
   * Whether the row just read is a copy of an event already exported: a copy that {@link UuidCopies}
   * lists or, while reading H2's select that deduplicates in the database, an exact copy (same uuid,
   * time, {@code _inserted_at} and event) that it keeps next to the first.
   */
  protected final boolean skipsCopy() {
    return repeatsUuid() || copies.skips(this);
  }

  private boolean repeatsUuid() {
    if (uuidColumn < 0) {
      return false;
    }
    String uuid = getString(uuidColumn);
    if (uuid.equals(previousUuid)) {
      return true;
    }
    previousUuid = uuid;
    return false;
  }

  /**
   * Before reading events (the select has {@link SourceSql#copies()}), lists the copied uuids for
   * {@link #skipsCopy()}; true when they are too many to hold ({@link UuidCopies#CAP}) and the
   * cursor must read the select that deduplicates in the database
   * ({@link SourceSql.Copies#distinct()}) instead of {@code sql.select()}. The list runs once, on
   * the cursor's connection, by whichever comes first: this, or {@link #count()} on the count's
   * thread when the list counts; the other waits for it.
   */
  protected final boolean readsDistinct() throws SQLException {
    if (listedBy == null) {
      return false;
    }
    UuidCopies listed = listed();
    copies = listed == null ? UuidCopies.NONE : listed;
    if (listed == null) {
      uuidColumn = adjacentCopiesColumn;
    }
    return listed == null;
  }

  /**
   * Lists the copied uuids on the cursor's connection ({@link UuidCopies#read}), letting a cancel
   * reach its statements; called at most once, while no other statement runs on the connection.
   */
  protected abstract @Nullable UuidCopies listCopies() throws SQLException;

  private @Nullable UuidCopies listed() throws SQLException {
    synchronized (listing) {
      if (!listed) {
        listed = true;
        listingNow = true;
        try {
          listedCopies = listCopies();
        } catch (SQLException | RuntimeException e) {
          listFailure = e;
        } finally {
          listingNow = false;
        }
      }
      if (listFailure instanceof SQLException e) {
        throw e;
      }
      if (listFailure instanceof RuntimeException e) {
        throw e;
      }
      return listedCopies;
    }
  }

  /**
   * Before the cursor releases its connection: from now on the list does not start, and a list
   * running on the count's thread has ended, which {@code cancelList} (the cursor's way of
   * cancelling the statement running on its connection) is run first to hasten.
   */
  protected final void endListing(Runnable cancelList) {
    if (listingNow) {
      cancelList.run();
    }
    synchronized (listing) {
      if (!listed) {
        listed = true;
        listFailure = new ExportException("the cursor was closed before it listed the copied events", false);
      }
    }
  }

  /**
   * Counts the rows: by the list of copied uuids when it counts ({@link SourceSql.Copies#counts()}),
   * listing them first if the read has not; otherwise on a connection of its own
   * ({@link SourceCount}). {@link #cancel()} and {@link #close()} stop it.
   */
  @Override
  public final OptionalLong count() {
    if (listedBy != null && listedBy.counts()) {
      if (counter.stopped()) {
        throw new ExportException("counting was cancelled", false);
      }
      UuidCopies listed;
      try {
        listed = listed();
      } catch (SQLException | RuntimeException e) {
        if (counter.stopped()) {
          throw new ExportException("counting was cancelled", e, false); // the cancel or close ended the list
        }
        throw e instanceof SQLException failure
            ? JdbcCursor.sourceFailure("cannot list the copied events of table " + table, failure)
            : (RuntimeException) e;
      }
      if (listed != null && listed.uuids() >= 0) {
        return OptionalLong.of(listed.uuids());
      }
    }
    return counter.count();
  }

  /** True: {@link #count()} runs on a connection of its own, or lists on the cursor's under a lock, beside the read. */
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
    String text = strings[column];
    if (text == null && utf8[column] != null) {
      text = new String(utf8[column], StandardCharsets.UTF_8);
      strings[column] = text;
    }
    return text;
  }

  /**
   * The STRING or JSON value at the column as the source's UTF-8 bytes, when the cursor read it so
   * (for a STRING, exactly its text's encoding); else null, and {@link #getString} has it. The array
   * is the row's own and is never changed.
   */
  final byte @Nullable [] utf8(int column) {
    return utf8[column];
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

  /** For {@link #release}: the cursor did not change the connection's isolation level. */
  static final int KEEP_ISOLATION = -1;

  /**
   * Ends the transaction a cursor began (when it turned auto-commit off to stream), sets back the
   * isolation level it changed (unless {@link #KEEP_ISOLATION}) and closes the connection, returning
   * it to its pool as it was lent; a failure is swallowed, as closing the connection releases
   * whatever is left.
   */
  static void release(Connection connection, boolean restoreAutoCommit, int restoreIsolation) {
    try {
      if (restoreAutoCommit) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    } catch (SQLException ignored) {
      // Closing the connection below releases whatever is left.
    }
    try {
      if (restoreIsolation != KEEP_ISOLATION) {
        connection.setTransactionIsolation(restoreIsolation);
      }
    } catch (SQLException ignored) {
      // As above: a connection that cannot take its level back is closed all the same.
    }
    try {
      connection.close();
    } catch (SQLException ignored) {
      // Nothing more can be done for a connection that fails to close.
    }
  }
}
