package dev.fdbe.internal.source;

import dev.fdbe.testing.TestDatabases;
import javax.sql.DataSource;

class H2SourceCountTest extends SourceCountContractTest {
  @Override
  protected DataSource database() {
    return TestDatabases.h2();
  }
}
