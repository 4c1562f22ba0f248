package dev.fdbe.internal.store;

import dev.fdbe.ExportException;
import dev.fdbe.internal.Micros;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * The run store's database: where its connections come from, its dialect, and how one call of the
 * store uses it. Every call borrows a connection for one statement sequence or one transaction and
 * returns it; none is held between calls. A failure becomes an {@link ExportException} whose
 * message may reach a run's log, so it describes the SQL error in words for users
 * ({@link SqlFailures}); the SQL exception is its cause.
 *
 * <p>The static helpers run one statement with bound parameters on a connection the caller holds.
 * A parameter is a {@code Long}, {@code Integer}, {@code String}, {@code Boolean} or {@code UUID},
 * each bound by its own setter; a nullable one is passed through {@link #text}, {@link #micros} or
 * {@link #id}, which say what type its NULL has. A bare {@code null} is refused.
 */
final class Database {
  /** Maps the current row of a result set. */
  @FunctionalInterface
  interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  /** A NULL parameter, and the SQL type it is sent as. */
  private enum Null {
    TEXT,
    MICROS,
    NUMBER,
    ID
  }

  private final DataSource dataSource;
  private final Dialect dialect;

  Database(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  Dialect dialect() {
    return dialect;
  }

  /** Runs {@code work} on a connection in auto-commit mode; {@code what} names it for failures. */
  <T> T call(String what, Transactions.Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      return work.run(connection);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one transaction; {@code what} names it for failures. */
  <T> T transaction(String what, Transactions.Work<T> work) {
    try {
      return Transactions.inTransaction(dataSource, work);
    } catch (SQLException e) {
      throw failure(what, e);
    }
  }

  /** Runs {@code work} in one transaction that waits on row locks under contention. */
  <T> T lockingTransaction(String what, Transactions.Work<T> work) {
    Optional<String> waitForLocks = StoreSql.waitForLocks(dialect);
    return transaction(what, connection -> {
      if (waitForLocks.isPresent()) {
        try (Statement statement = connection.createStatement()) {
          statement.execute(waitForLocks.get());
        }
      }
      return work.run(connection);
    });
  }

  /**
   * The message may reach a run's log (a failed attempt), so it describes the SQL error for users.
   * Retryable: a run store failing (a dropped connection, a restart) is worth waiting out.
   */
  private static ExportException failure(String what, SQLException e) {
    return new ExportException("run store failed to " + what + ": " + SqlFailures.describe(e), e, true);
  }

  /** A text parameter that may be null. */
  static Object text(@Nullable String value) {
    return value == null ? Null.TEXT : value;
  }

  /** An instant parameter that may be null, as microseconds since the epoch. */
  static Object micros(@Nullable Instant value) {
    return value == null ? Null.MICROS : (Object) Micros.of(value);
  }

  /** A number parameter that may be null. */
  static Object number(@Nullable Long value) {
    return value == null ? Null.NUMBER : value;
  }

  /** A UUID parameter that may be null. */
  static Object id(@Nullable UUID value) {
    return value == null ? Null.ID : value;
  }

  /** Runs an insert, update or delete; returns the count of rows it changed. */
  static int update(Connection connection, String sql, Object... params) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, Arrays.asList(params));
      return statement.executeUpdate();
    }
  }

  /** Runs an insert once for each row of parameters, in one batch. */
  static void batch(Connection connection, String sql, List<Object[]> rows) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      for (Object[] params : rows) {
        bind(statement, Arrays.asList(params));
        statement.addBatch();
      }
      statement.executeBatch();
    }
  }

  /** The rows a query selects, mapped. */
  static <T> List<T> query(Connection connection, String sql, Row<T> row, Object... params) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      bind(statement, Arrays.asList(params));
      List<T> rows = new ArrayList<>();
      try (ResultSet rs = statement.executeQuery()) {
        while (rs.next()) {
          rows.add(row.map(rs));
        }
      }
      return rows;
    }
  }

  /** The count a {@code SELECT COUNT(*)} query returns. */
  static long count(Connection connection, String sql, Object... params) throws SQLException {
    return query(connection, sql, rs -> rs.getLong(1), params).get(0);
  }

  private static void bind(PreparedStatement statement, List<?> params) throws SQLException {
    for (int i = 0; i < params.size(); i++) {
      Object value = params.get(i);
      if (value == null) {
        throw new NullPointerException("parameter " + (i + 1) + " is null; pass it through text, micros or id");
      } else if (value instanceof Null type) {
        switch (type) {
          case TEXT -> statement.setString(i + 1, null);
          case MICROS, NUMBER -> statement.setNull(i + 1, Types.BIGINT);
          case ID -> statement.setObject(i + 1, null);
        }
      } else if (value instanceof Long l) {
        statement.setLong(i + 1, l);
      } else if (value instanceof Integer n) {
        statement.setInt(i + 1, n);
      } else if (value instanceof String s) {
        statement.setString(i + 1, s);
      } else if (value instanceof Boolean b) {
        statement.setBoolean(i + 1, b);
      } else if (value instanceof UUID) {
        statement.setObject(i + 1, value);
      } else {
        throw new IllegalArgumentException("cannot bind a " + value.getClass().getName() + " to parameter " + (i + 1));
      }
    }
  }
}
