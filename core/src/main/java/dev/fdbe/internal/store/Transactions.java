package dev.fdbe.internal.store;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * Runs JDBC work in one transaction: commits when the work returns, rolls back when it throws (an
 * {@link SQLException} or any unchecked exception, which is then rethrown as it is), and leaves the
 * connection in the auto-commit mode it had. The one home of that boilerplate for every JDBC user in
 * core (the run store, its migrations, the reference tables); callers describe failures themselves.
 */
public final class Transactions {
  /** Work on a connection inside a transaction; it neither commits nor rolls back itself. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /**
   * Runs {@code work} in one transaction on a connection of {@code dataSource}, which is closed
   * afterwards.
   *
   * @return what {@code work} returned
   * @throws SQLException when the connection fails or {@code work} throws one; rolled back then
   */
  public static <T> T inTransaction(DataSource dataSource, Work<T> work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return inTransaction(connection, work);
    }
  }

  /**
   * Runs {@code work} in one transaction on {@code connection}, which stays open.
   *
   * @return what {@code work} returned
   * @throws SQLException when the connection fails or {@code work} throws one; rolled back then
   */
  public static <T> T inTransaction(Connection connection, Work<T> work) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private Transactions() {}
}
