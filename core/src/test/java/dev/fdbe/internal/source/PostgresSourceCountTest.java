package dev.fdbe.internal.source;

import dev.fdbe.testing.TestDatabases;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;

/** The count contract on PostgreSQL; runs when FDBE_TEST_POSTGRES_URL is set. */
@Tag("postgres")
class PostgresSourceCountTest extends SourceCountContractTest {
  private TestDatabases.PostgresSchema schema;

  @Override
  protected DataSource database() {
    schema = TestDatabases.postgres();
    return schema.dataSource();
  }

  @AfterEach
  void dropSchema() {
    if (schema != null) {
      schema.drop();
    }
  }
}
