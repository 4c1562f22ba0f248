package dev.fdbe.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class ReferenceTablesTest {
  private final DataSource h2 = TestDatabases.h2();

  @Test
  void eventIndexesOnH2HoldTheColumnsTheDeduplicationCompares() throws SQLException {
    ReferenceTables.create(h2);

    assertThat(indexColumns()).containsExactly(
        "EVENTS_TEAM_TIME_INSERTED: TEAM_ID, TIMESTAMP, UUID, _INSERTED_AT",
        "EVENTS_TEAM_UUID_TIME: TEAM_ID, UUID, TIMESTAMP, _INSERTED_AT");
  }

  @Test
  void theNarrowerIndexesOfEarlierVersionsAreReplaced() throws SQLException {
    ReferenceTables.create(h2);
    try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("DROP INDEX events_team_time_inserted");
      statement.execute("DROP INDEX events_team_uuid_time");
      statement.execute("CREATE INDEX events_team_time ON events (team_id, timestamp, uuid)");
      statement.execute("CREATE INDEX events_team_uuid ON events (team_id, uuid)");
    }

    ReferenceTables.create(h2);
    ReferenceTables.create(h2);

    assertThat(indexColumns()).containsExactly(
        "EVENTS_TEAM_TIME_INSERTED: TEAM_ID, TIMESTAMP, UUID, _INSERTED_AT",
        "EVENTS_TEAM_UUID_TIME: TEAM_ID, UUID, TIMESTAMP, _INSERTED_AT");
  }

  /** The secondary indexes on events, each as "NAME: COLUMN, ...", by name. */
  private List<String> indexColumns() throws SQLException {
    List<String> indexes = new ArrayList<>();
    try (Connection connection = h2.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT INDEX_NAME, LISTAGG(COLUMN_NAME, ', ') WITHIN GROUP"
            + " (ORDER BY ORDINAL_POSITION) FROM INFORMATION_SCHEMA.INDEX_COLUMNS WHERE TABLE_NAME = 'EVENTS'"
            + " GROUP BY INDEX_NAME ORDER BY INDEX_NAME")) {
      while (rs.next()) {
        indexes.add(rs.getString(1) + ": " + rs.getString(2));
      }
    }
    return indexes;
  }
}
