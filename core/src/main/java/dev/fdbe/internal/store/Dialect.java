package dev.fdbe.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;

/** The databases the JDBC run store and source support, and what differs between them. */
public enum Dialect {
  H2,
  POSTGRESQL;

  /**
   * The dialect of the connection's database.
   *
   * @throws IllegalArgumentException naming the product when it is not supported
   */
  public static Dialect of(Connection connection) throws SQLException {
    String product = connection.getMetaData().getDatabaseProductName();
    String lower = product.toLowerCase(Locale.ROOT);
    if (lower.contains("h2")) {
      return H2;
    }
    if (lower.contains("postgres")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException(
        "unsupported database '" + product + "': fdbe supports H2 and PostgreSQL");
  }

  /** Whether a SQLState says a unique or primary key constraint was violated. */
  static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }

  /** Prepares a connection for a transaction that waits on row locks under contention. */
  void prepareLockingTransaction(Connection connection) throws SQLException {
    if (this == H2) {
      // H2's default lock timeout (1 s on some versions) is too short for 50 concurrent creates.
      try (Statement statement = connection.createStatement()) {
        statement.execute("SET LOCK_TIMEOUT 30000");
      }
    }
  }
}
