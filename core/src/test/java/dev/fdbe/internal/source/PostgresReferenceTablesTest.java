package dev.fdbe.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The reference tables' indexes on PostgreSQL. Runs when FDBE_TEST_POSTGRES_URL is set. */
@Tag("postgres")
class PostgresReferenceTablesTest {
  private TestDatabases.PostgresSchema schema;

  @BeforeEach
  void createSchema() {
    schema = TestDatabases.postgres();
  }

  @AfterEach
  void dropSchema() {
    schema.drop();
  }

  @Test
  void theUuidIndexHoldsTheColumnsTheListOfCopiesCompares() throws SQLException {
    ReferenceTables.create(schema.dataSource());
    ReferenceTables.create(schema.dataSource());

    assertThat(indexes()).containsExactly(
        "events_team_time: team_id, timestamp, uuid",
        "events_team_uuid_time: team_id, uuid, timestamp, _inserted_at");
  }

  @Test
  void aTableIndexedByAnEarlierVersionKeepsItsIndexes() throws SQLException {
    ReferenceTables.create(schema.dataSource());
    try (Connection connection = schema.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("DROP INDEX events_team_uuid_time");
      statement.execute("CREATE INDEX events_team_uuid ON events (team_id, uuid)");
    }

    ReferenceTables.create(schema.dataSource());

    assertThat(indexes()).containsExactly(
        "events_team_time: team_id, timestamp, uuid",
        "events_team_uuid: team_id, uuid");
  }

  /** The secondary indexes on events, each as "name: column, ...", by name. */
  private List<String> indexes() throws SQLException {
    List<String> indexes = new ArrayList<>();
    try (Connection connection = schema.dataSource().getConnection();
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT c.relname, string_agg(a.attname, ', ' ORDER BY k.n)"
            + " FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            + " CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)"
            + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum"
            + " WHERE i.indrelid = 'events'::regclass GROUP BY c.relname ORDER BY c.relname")) {
      while (rs.next()) {
        indexes.add(rs.getString(1) + ": " + rs.getString(2));
      }
    }
    return indexes;
  }
}
