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
 * once (the earliest by {@code timestamp}, then {@code _inserted_at}, then event), which needs the
 * index on {@code (team_id, uuid)} that {@link ReferenceTables#create} makes to be fast.
 *
 * <p>On PostgreSQL with pgjdbc, rows come through {@code COPY ... TO STDOUT} in binary
 * ({@link PostgresCopyCursor}); when pgjdbc is absent, the connection does not unwrap to it, or a
 * column has a type the COPY cursor does not decode, through a result set ({@link JdbcCursor}).
 */
public final class JdbcRecordSource implements RecordSource {
  /**
   * Whether pgjdbc is on core's class path (and readable by this module): only then may {@link PostgresCopyCursor}, which refers
   * to it, be loaded. A host with H2 alone never loads it.
   */
  private static final boolean PGJDBC_PRESENT = present("org.postgresql.copy.CopyManager");

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
      String table = tables.get(query.model());
      String timeColumn = timeColumns.get(query.model());
      if (d == Dialect.POSTGRESQL && PGJDBC_PRESENT) {
        RecordCursor copy = PostgresCopyCursor.open(connection, dataSource, query, table, timeColumn, fetchSize);
        if (copy != null) {
          return copy;
        }
      }
      return JdbcCursor.open(connection, dataSource, d, query, table, timeColumn, fetchSize);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw JdbcCursor.sourceFailure("cannot query the " + query.model() + " table", e);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  private static boolean present(String className) {
    try {
      Class<?> present = Class.forName(className, false, JdbcRecordSource.class.getClassLoader());
      // On the module path, a pgjdbc that is there but not read by this module counts as absent.
      return JdbcRecordSource.class.getModule().canRead(present.getModule());
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
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
