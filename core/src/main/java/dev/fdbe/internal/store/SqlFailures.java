package dev.fdbe.internal.store;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * Describes a failed SQL call in words a run's users may read. A driver's message can name the
 * database's host and port or its files (PostgreSQL's "Connection to db:5432 refused", H2's "Database
 * may be already in use: /var/..."), so a connection failure is described by its SQLSTATE alone and
 * any other by the first line of the driver's message, without the statement H2 appends. The
 * exception itself, kept as the cause, has the whole message for operators.
 */
public final class SqlFailures {
  private SqlFailures() {}

  /** E.g. {@code the database connection failed (SQLSTATE 08001)} or {@code Table "X" not found (SQLSTATE 42S02)}. */
  public static String describe(SQLException e) {
    String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
    if (isConnectionFailure(e)) {
      return "the database connection failed" + state;
    }
    String message = e.getMessage() == null ? "" : e.getMessage().strip();
    int end = message.indexOf('\n');
    message = end < 0 ? message : message.substring(0, end);
    int statement = message.indexOf("; SQL statement:");
    message = (statement < 0 ? message : message.substring(0, statement)).strip();
    return (message.isEmpty() ? e.getClass().getSimpleName() : message) + state;
  }

  /** Whether the connection itself failed (SQLSTATE class 08), as opposed to a statement. */
  private static boolean isConnectionFailure(SQLException e) {
    return e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException
        || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
  }
}
