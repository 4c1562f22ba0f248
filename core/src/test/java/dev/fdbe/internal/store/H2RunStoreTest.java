package dev.fdbe.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.RunStores;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.RunStoreContractTest;
import dev.fdbe.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

class H2RunStoreTest extends RunStoreContractTest {
  private DataSource dataSource;

  @Override
  protected RunStore newStore() {
    dataSource = TestDatabases.h2();
    return RunStores.jdbc(dataSource);
  }

  @Test
  void schemaIsVersionedAndOpeningAgainChangesNothing() throws Exception {
    RunStores.jdbc(dataSource);
    RunStores.jdbc(dataSource);

    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT COUNT(*), MAX(version) FROM fdbe_schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).as("one row per applied version").isEqualTo(Migrations.LATEST);
      assertThat(rs.getInt(2)).isEqualTo(Migrations.LATEST);
    }
  }

  @Test
  void aVersionOneDatabaseIsUpgradedInPlaceKeepingItsRuns() throws Exception {
    DataSource old = TestDatabases.h2();
    try (Connection connection = old.getConnection(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE fdbe_schema_version (version INT NOT NULL)");
      for (String sql : Migrations.statements(1)) {
        statement.execute(sql);
      }
      statement.execute("INSERT INTO fdbe_schema_version (version) VALUES (1)");
      statement.execute("INSERT INTO fdbe_runs (id, team_id, model, file_format, compression, max_size_mb, "
          + "interval_start_us, interval_end_us, status, error, records_completed, bytes_exported, parts_completed, "
          + "created_at_us, started_at_us, finished_at_us, lease_epoch, attempt_id, lease_owner, lease_expires_at_us, "
          + "attempts, storage_cleaned) VALUES ('6f0c3c2e-2b1a-4c53-9a55-0e1b2c3d4e5f', 1, 'events', 'CSV', NULL, 0, "
          + "0, 1000000, 'Completed', NULL, 5, 50, 1, 0, 0, 1, 1, NULL, NULL, NULL, 1, TRUE)");
    }

    RunStore upgraded = RunStores.jdbc(old);

    assertThat(upgraded.find(dev.fdbe.RunId.parse("6f0c3c2e-2b1a-4c53-9a55-0e1b2c3d4e5f")))
        .hasValueSatisfying(run -> {
          assertThat(run.recordsCompleted()).isEqualTo(5);
          assertThat(run.recordsTotal()).as("a run from before totals were counted").isNull();
        });
    assertThat(upgraded.uploads(10)).isEmpty();
    try (Connection connection = old.getConnection(); Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT MAX(version) FROM fdbe_schema_version")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(Migrations.LATEST);
    }
  }
}
