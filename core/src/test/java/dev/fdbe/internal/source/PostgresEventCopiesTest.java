package dev.fdbe.internal.source;

import dev.fdbe.internal.store.Dialect;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.testing.TestDatabases;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.Tag;

/**
 * The copies of events on PostgreSQL, through COPY ({@link PostgresCopyCursor}) and through a result
 * set ({@link JdbcCursor}). Runs when FDBE_TEST_POSTGRES_URL is set.
 */
@Tag("postgres")
class PostgresEventCopiesTest extends EventCopiesContract {
  private TestDatabases.PostgresSchema schema;

  @Override
  DataSource createDatabase() {
    schema = TestDatabases.postgres();
    return schema.dataSource();
  }

  @Override
  void dropDatabase() {
    if (schema != null) {
      schema.drop();
    }
  }

  @Override
  List<RecordCursor> cursors(DataSource dataSource, DataSource countConnections, SourceQuery query)
      throws SQLException {
    return List.of(
        PostgresCopyCursor.open(dataSource.getConnection(), countConnections, query, "events", "timestamp", 7),
        JdbcCursor.open(dataSource.getConnection(), countConnections, Dialect.POSTGRESQL, query, "events",
            "timestamp", 7));
  }

  @Override
  boolean listsEarlierSlices() {
    return false;
  }

  @Override
  void insertCopiedUuids(Statement statement, int uuids) throws SQLException {
    statement.execute("INSERT INTO events (team_id, uuid, event, timestamp, _inserted_at)"
        + " SELECT " + TEAM.value() + ", ('00000000-0000-0000-0000-' || lpad(i::text, 12, '0'))::uuid,"
        + " CASE WHEN c = 0 THEN 'first' ELSE 'later' END,"
        + " TIMESTAMPTZ '2026-11-20 00:00:00+00' + i * INTERVAL '1 second' + c * INTERVAL '1 hour',"
        + " TIMESTAMPTZ '2026-11-22 00:00:00+00'"
        + " FROM generate_series(1, " + uuids + ") i, generate_series(0, 1) c");
  }
}
