package dev.fdbe.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The databases the JDBC run store and source support. The run store's statements that differ by
 * dialect are in {@link StoreSql}.
 */
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
}
