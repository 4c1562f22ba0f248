package dev.fdbe.internal.source;

import dev.fdbe.internal.store.Dialect;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import javax.sql.DataSource;
import dev.fdbe.Model;

/**
 * The {@link RecordSource} of {@link dev.fdbe.RecordSources#jdbc}: tables of the reference shape
 * (see {@link ReferenceTables}) in an H2 or PostgreSQL database. Rows stream through a cursor with a
 * fetch size; the whole result is never in memory. Events with the same {@code uuid} are exported
 * once (the earliest by {@code timestamp}, then {@code _inserted_at}), which needs the index on
 * {@code (team_id, uuid)} that {@link ReferenceTables#create} makes to be fast.
 */
public final class JdbcRecordSource implements RecordSource {
  private final DataSource dataSource;
  private final Map<Model, String> tables;
  private final Map<Model, String> timeColumns;
  private final int fetchSize;
  private volatile Dialect dialect;

  /** A source whose tables, time columns and fetch size were checked by {@link dev.fdbe.RecordSources}. */
  public JdbcRecordSource(DataSource dataSource, Map<Model, String> tables, Map<Model, String> timeColumns,
      int fetchSize) {
    this.dataSource = dataSource;
    this.tables = Map.copyOf(tables);
    this.timeColumns = Map.copyOf(timeColumns);
    this.fetchSize = fetchSize;
  }

  @Override
  public RecordCursor open(SourceQuery query) {
    Connection connection = null;
    try {
      connection = dataSource.getConnection();
      Dialect d = dialect;
      if (d == null) {
        d = Dialect.of(connection);
        dialect = d;
      }
      return JdbcCursor.open(connection, dataSource, d, query, tables.get(query.model()), timeColumns.get(query.model()),
          fetchSize);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw JdbcCursor.sourceFailure("cannot query the " + query.model() + " table", e);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static void closeQuietly(Connection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The query failed already; that error is the one to report.
      }
    }
  }

  @Override
  public String describe() {
    Dialect d = dialect;
    return "JDBC source" + (d == null ? "" : " (" + d + ")") + " on tables " + tables.values();
  }
}
