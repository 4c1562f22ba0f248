package dev.fdbe.internal.source;

import dev.fdbe.ExportException;
import dev.fdbe.internal.store.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The count of a JDBC source's selection by its count statement ({@link SourceSql#count()}), for the
 * cursors that read it ({@link JdbcCursor}, {@link PostgresCopyCursor}). It counts on a connection
 * of its own, taken from the source's data source for as long as it counts, so that it can run on
 * another thread while the cursor reads its rows on the cursor's connection
 * ({@link dev.fdbe.spi.RecordCursor#countsConcurrently()}). The count and the read are two
 * statements (on PostgreSQL two transactions): rows changed in between can make them differ.
 */
final class SourceCount {
  private final DataSource connections;
  /** Whether the count streams uuids on H2, which it does lazily: they pass instead of being collected. */
  private final boolean lazy;
  private final SourceSql sql;
  private final String table;
  private final int fetchSize;
  /** On PostgreSQL the count compares in UTC, as the cursor does ({@link JdbcCursor#utc}). */
  private final boolean utc;
  private volatile @Nullable PreparedStatement running;
  private volatile boolean stopped;

  SourceCount(DataSource connections, Dialect dialect, SourceSql sql, String table, int fetchSize) {
    this.connections = connections;
    this.lazy = dialect == Dialect.H2 && sql.countsKeys();
    this.utc = dialect == Dialect.POSTGRESQL;
    this.sql = sql;
    this.table = table;
    this.fetchSize = fetchSize;
  }

  /**
   * Counts the rows; {@link #stop()} from another thread makes it fail as cancelled.
   *
   * @throws ExportException when counting fails ({@code isRetryable()} as for a read) or was stopped
   */
  OptionalLong count() {
    if (stopped) {
      throw new ExportException("counting was cancelled", false);
    }
    try (Connection connection = connections.getConnection()) {
      if (lazy) {
        lazy(connection, true);
      }
      // In a transaction of its own, as the cursor reads (a connection lent in a transaction is left
      // as it is, as the cursor leaves it): the time zone is set for that transaction only.
      boolean ownTransaction = utc && connection.getAutoCommit();
      if (ownTransaction) {
        JdbcCursor.beginInUtc(connection);
      }
      try (PreparedStatement statement = connection.prepareStatement(sql.count(), ResultSet.TYPE_FORWARD_ONLY,
          ResultSet.CONCUR_READ_ONLY)) {
        running = statement;
        if (stopped) {
          throw new ExportException("counting was cancelled", false);
        }
        statement.setFetchSize(fetchSize);
        List<Object> params = sql.countParams();
        for (int i = 0; i < params.size(); i++) {
          statement.setObject(i + 1, params.get(i));
        }
        try (ResultSet result = statement.executeQuery()) {
          return OptionalLong.of(sql.countsKeys() ? countKeys(result) : counted(result));
        }
      } finally {
        running = null;
        if (lazy) {
          lazy(connection, false); // pooled H2 connections keep their session's settings
        }
        if (ownTransaction) {
          connection.rollback(); // read only; ends the time zone setting with the transaction
          connection.setAutoCommit(true);
        }
      }
    } catch (SQLException e) {
      if (stopped) {
        throw new ExportException("counting was cancelled", e, false);
      }
      throw JdbcCursor.sourceFailure("cannot count the rows of table " + table, e);
    }
  }

  /** Whether {@link #stop()} was called: the cursor was cancelled or closed. */
  boolean stopped() {
    return stopped;
  }

  /** Stops a count that is running and refuses later ones; idempotent, callable from any thread. */
  void stop() {
    stopped = true;
    PreparedStatement statement = running;
    if (statement != null) {
      try {
        statement.cancel();
      } catch (SQLException ignored) {
        // The flag stops a count of keys at its next key; a COUNT(*) then ends by itself.
      }
    }
  }

  private long counted(ResultSet result) throws SQLException {
    if (!result.next()) {
      throw new SQLException("the count of table " + table + " returned no row");
    }
    return result.getLong(1);
  }

  /** Counts the uuids as the cursors read rows: one that equals the one before is a copy. */
  private long countKeys(ResultSet result) throws SQLException {
    long rows = 0;
    String previous = null;
    while (result.next()) {
      if (stopped) {
        throw new SQLException("counting was cancelled");
      }
      String uuid = result.getString(1);
      if (!uuid.equals(previous)) {
        rows++;
        previous = uuid;
      }
    }
    return rows;
  }

  /** Turns H2's lazy query execution on or off for the connection's session. */
  static void lazy(Connection connection, boolean on) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET LAZY_QUERY_EXECUTION " + (on ? "TRUE" : "FALSE"));
    }
  }
}
