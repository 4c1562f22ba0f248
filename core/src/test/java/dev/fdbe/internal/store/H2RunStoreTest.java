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
      assertThat(rs.getInt(1)).isEqualTo(1);
      assertThat(rs.getInt(2)).isEqualTo(Migrations.LATEST);
    }
  }
}
