package dev.fdbe.internal.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Work in a transaction is committed whole or rolled back whole, and the connection is left as it was. */
class TransactionsTest {
  private DataSource dataSource;

  @BeforeEach
  void createTable() throws SQLException {
    dataSource = TestDatabases.h2();
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t (v INT NOT NULL)");
    }
  }

  private static void insert(Connection connection, int value) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO t (v) VALUES (" + value + ")");
    }
  }

  private int rows() throws SQLException {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM t")) {
      rs.next();
      return rs.getInt(1);
    }
  }

  @Test
  void commitsWhatTheWorkDidAndReturnsItsResult() throws SQLException {
    String result = Transactions.inTransaction(dataSource, connection -> {
      insert(connection, 1);
      insert(connection, 2);
      return "done";
    });

    assertThat(result).isEqualTo("done");
    assertThat(rows()).isEqualTo(2);
  }

  @Test
  void rollsBackAndRethrowsAnSqlException() throws SQLException {
    SQLException failure = new SQLException("refused");

    assertThatThrownBy(() -> Transactions.inTransaction(dataSource, connection -> {
      insert(connection, 1);
      throw failure;
    })).isSameAs(failure);
    assertThat(rows()).isZero();
  }

  @Test
  void rollsBackAndRethrowsAnUncheckedException() throws SQLException {
    IllegalStateException failure = new IllegalStateException("over the limit");

    assertThatThrownBy(() -> Transactions.inTransaction(dataSource, connection -> {
      insert(connection, 1);
      throw failure;
    })).isSameAs(failure);
    assertThat(rows()).isZero();
  }

  @Test
  void leavesAHeldConnectionOpenInTheAutoCommitModeItHad() throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(true);
      Transactions.inTransaction(connection, c -> {
        assertThat(c.getAutoCommit()).as("inside the transaction").isFalse();
        insert(c, 1);
        return null;
      });
      assertThatThrownBy(() -> Transactions.inTransaction(connection, c -> {
        insert(c, 2);
        throw new SQLException("refused");
      })).isInstanceOf(SQLException.class);

      assertThat(connection.isClosed()).isFalse();
      assertThat(connection.getAutoCommit()).isTrue();
    }
    assertThat(rows()).isEqualTo(1);
  }
}
