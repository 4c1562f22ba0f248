package dev.fdbe.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.RunStores;
import dev.fdbe.spi.RunStore;
import dev.fdbe.spi.RunStoreContractTest;
import dev.fdbe.testing.TestDatabases;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The run store contract on PostgreSQL; runs when FDBE_TEST_POSTGRES_URL is set. */
@Tag("postgres")
class PostgresRunStoreTest extends RunStoreContractTest {
  private TestDatabases.PostgresSchema schema;

  @Override
  protected RunStore newStore() {
    schema = TestDatabases.postgres();
    return RunStores.jdbc(schema.dataSource());
  }

  @AfterEach
  void dropSchema() {
    if (schema != null) {
      schema.drop();
    }
  }

  @Test
  void dialectIsPostgres() {
    assertThat(((JdbcRunStore) store).dialect()).isEqualTo(Dialect.POSTGRESQL);
  }

  @Test
  void concurrentOpeningsMigrateOnce() throws Exception {
    TestDatabases.PostgresSchema fresh = TestDatabases.postgres();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<RunStore>> opened = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        opened.add(pool.submit(() -> RunStores.jdbc(fresh.dataSource())));
      }
      for (Future<RunStore> future : opened) {
        assertThat(future.get()).isNotNull();
      }
      try (Connection connection = fresh.dataSource().getConnection();
          Statement statement = connection.createStatement();
          ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM fdbe_schema_version")) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(Migrations.LATEST);
      }
    } finally {
      pool.shutdownNow();
      fresh.drop();
    }
  }
}
