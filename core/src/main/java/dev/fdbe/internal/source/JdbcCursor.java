package dev.fdbe.internal.source;

import dev.fdbe.schema.ColumnType;
import dev.fdbe.Model;
import dev.fdbe.schema.Schema;
import dev.fdbe.ExportException;
import dev.fdbe.internal.Micros;
import dev.fdbe.internal.store.Dialect;
import dev.fdbe.internal.store.SqlFailures;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.SourceQuery;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Streams a model's rows from a reference table. On {@link #next()} the current row is read into
 * typed arrays once (longs unboxed), so writers read each value without further JDBC calls.
 *
 * <p>The query orders by team, the time column, then the model's key columns. For events, the query
 * keeps the earliest row of each uuid (see {@link #eventsQuery}); rows identical in uuid, time and
 * {@code _inserted_at} come out adjacent and all but the first are skipped here.
 */
public final class JdbcCursor implements RecordCursor {
  private final Connection connection;
  private final Dialect dialect;
  private final PreparedStatement statement;
  private final String table;
  private ResultSet rs;
  private final ColumnType[] types;
  private final boolean[] nulls;
  private final long[] longs;
  private final String[] strings;
  private final List<?>[] lists;
  private final int uuidColumn;
  private final boolean restoreAutoCommit;
  private String previousUuid;
  private volatile boolean cancelled;
  private boolean closed;

  private JdbcCursor(Connection connection, Dialect dialect, PreparedStatement statement, Schema schema,
      int uuidColumn, String table, boolean restoreAutoCommit) {
    this.connection = connection;
    this.dialect = dialect;
    this.statement = statement;
    this.table = table;
    int n = schema.size();
    this.types = new ColumnType[n];
    for (int i = 0; i < n; i++) {
      types[i] = schema.column(i).type();
    }
    this.nulls = new boolean[n];
    this.longs = new long[n];
    this.strings = new String[n];
    this.lists = new List<?>[n];
    this.uuidColumn = uuidColumn;
    this.restoreAutoCommit = restoreAutoCommit;
  }

  /**
   * Prepares the query on the connection; it runs on the first {@link #next()}, so that a cancel
   * can reach it while it runs. The cursor owns and closes the connection.
   */
  public static JdbcCursor open(Connection connection, Dialect dialect, SourceQuery query, String table,
      String timeColumn, int fetchSize) throws SQLException {
    Model model = query.model();
    Schema schema = model.schema();
    List<Object> params = new ArrayList<>();
    String sql = model == Model.EVENTS
        ? eventsQuery(dialect, query, table, timeColumn, params)
        : plainQuery(query, table, timeColumn, params);

    boolean autoCommit = connection.getAutoCommit();
    PreparedStatement statement = null;
    try {
      if (dialect == Dialect.POSTGRESQL && autoCommit) {
        connection.setAutoCommit(false); // PostgreSQL streams with a fetch size only inside a transaction
      }
      if (dialect == Dialect.H2) {
        try (Statement lazy = connection.createStatement()) {
          lazy.execute("SET LAZY_QUERY_EXECUTION TRUE");
        }
      }
      statement = connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
      statement.setFetchSize(fetchSize);
      for (int i = 0; i < params.size(); i++) {
        statement.setObject(i + 1, params.get(i));
      }
      int uuid = model == Model.EVENTS ? schema.indexOf("uuid") : -1;
      return new JdbcCursor(connection, dialect, statement, schema, uuid, table,
          dialect == Dialect.POSTGRESQL && autoCommit);
    } catch (SQLException | RuntimeException e) {
      if (statement != null) {
        statement.close();
      }
      connection.close();
      throw e;
    }
  }

  private static String columns(Schema schema, String alias) {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < schema.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(alias).append('.').append(schema.column(i).name());
    }
    return sql.toString();
  }

  private static String interval(String alias, String timeColumn, SourceQuery query, List<Object> params) {
    params.add(query.team().value());
    params.add(OffsetDateTime.ofInstant(query.interval().start(), ZoneOffset.UTC));
    params.add(OffsetDateTime.ofInstant(query.interval().end(), ZoneOffset.UTC));
    return alias + ".team_id = ? AND " + alias + "." + timeColumn + " >= ? AND " + alias + "." + timeColumn + " < ?";
  }

  /** Ordered by team, time and key: led by team_id so that an index on (team_id, time, key) delivers the order. */
  private static String orderBy(Model model, String alias, String timeColumn) {
    StringBuilder sql = new StringBuilder(" ORDER BY ").append(alias).append(".team_id, ").append(alias).append('.')
        .append(timeColumn);
    for (String key : model.keyColumns()) {
      sql.append(", ").append(alias).append('.').append(key);
    }
    return sql.toString();
  }

  private static String plainQuery(SourceQuery query, String table, String timeColumn, List<Object> params) {
    Model model = query.model();
    return "SELECT " + columns(model.schema(), "e") + " FROM " + table + " e WHERE "
        + interval("e", timeColumn, query, params) + orderBy(model, "e", timeColumn);
  }

  /**
   * Events of the interval, each uuid once: the earliest by time, then {@code _inserted_at}. H2
   * streams it through the (team_id, time, uuid) index with an anti-join on (team_id, uuid);
   * PostgreSQL picks one row per uuid with {@code DISTINCT ON}, a plan that stays linear whatever
   * the table statistics say (a correlated {@code NOT EXISTS} turns quadratic there without them).
   * A later slice of a run also skips events whose uuid occurs earlier in the run
   * ({@link SourceQuery#seenFrom()}), so a sliced run exports what the whole run would.
   */
  private static String eventsQuery(Dialect dialect, SourceQuery query, String table, String timeColumn,
      List<Object> params) {
    Model model = query.model();
    String columns = columns(model.schema(), "e");
    StringBuilder sql = new StringBuilder();
    if (dialect == Dialect.POSTGRESQL) {
      sql.append("SELECT ").append(columns).append(" FROM (SELECT DISTINCT ON (e.uuid) ").append(columns)
          .append(", e.team_id FROM ").append(table).append(" e WHERE ").append(interval("e", timeColumn, query, params))
          .append(" ORDER BY e.uuid, e.").append(timeColumn).append(", e._inserted_at) e WHERE TRUE");
      if (query.followsEarlierSlices()) {
        // A uuid that occurs in an earlier slice was exported there: a point lookup per row on (team_id, uuid).
        sql.append(" AND NOT EXISTS (SELECT 1 FROM ").append(table).append(" d WHERE d.team_id = e.team_id")
            .append(" AND d.uuid = e.uuid AND d.").append(timeColumn).append(" >= ? AND d.").append(timeColumn)
            .append(" < ?)");
        params.add(OffsetDateTime.ofInstant(query.seenFrom(), ZoneOffset.UTC));
        params.add(OffsetDateTime.ofInstant(query.interval().start(), ZoneOffset.UTC));
      }
    } else {
      sql.append("SELECT ").append(columns).append(" FROM ").append(table).append(" e WHERE ")
          .append(interval("e", timeColumn, query, params));
      // Earlier slices of the same run count as earlier rows: their events were exported there.
      Object start = OffsetDateTime.ofInstant(query.seenFrom(), ZoneOffset.UTC);
      Object end = params.get(params.size() - 1);
      sql.append(" AND NOT EXISTS (SELECT 1 FROM ").append(table).append(" d WHERE d.team_id = e.team_id")
          .append(" AND d.uuid = e.uuid AND d.").append(timeColumn).append(" >= ? AND d.").append(timeColumn)
          .append(" < ? AND (d.").append(timeColumn).append(" < e.").append(timeColumn).append(" OR (d.")
          .append(timeColumn).append(" = e.").append(timeColumn).append(" AND d._inserted_at < e._inserted_at)))");
      params.add(start);
      params.add(end);
    }
    if (!query.include().isEmpty()) {
      sql.append(" AND e.event IN (").append(placeholders(query.include().size())).append(')');
      params.addAll(query.include());
    }
    if (!query.exclude().isEmpty()) {
      sql.append(" AND e.event NOT IN (").append(placeholders(query.exclude().size())).append(')');
      params.addAll(query.exclude());
    }
    return sql.append(orderBy(model, "e", timeColumn)).toString();
  }

  private static String placeholders(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }

  @Override
  public boolean next() {
    if (rs == null) {
      if (cancelled) {
        throw new ExportException("reading was cancelled", false);
      }
      try {
        rs = statement.executeQuery();
      } catch (SQLException e) {
        if (cancelled) {
          throw new ExportException("reading was cancelled", e, false);
        }
        throw sourceFailure("cannot query the table " + table, e);
      }
    }
    try {
      while (true) {
        if (cancelled) {
          throw new ExportException("reading was cancelled", false);
        }
        if (!rs.next()) {
          return false;
        }
        read();
        if (uuidColumn >= 0) {
          String uuid = strings[uuidColumn];
          if (uuid.equals(previousUuid)) {
            continue;
          }
          previousUuid = uuid;
        }
        return true;
      }
    } catch (SQLException e) {
      if (cancelled) {
        throw new ExportException("reading was cancelled", e, false);
      }
      throw sourceFailure("reading rows of table " + table + " failed", e);
    }
  }

  private void read() throws SQLException {
    for (int i = 0; i < types.length; i++) {
      int column = i + 1;
      switch (types[i]) {
        case STRING, JSON -> {
          strings[i] = rs.getString(column);
          nulls[i] = strings[i] == null;
        }
        case INT64 -> {
          longs[i] = rs.getLong(column);
          nulls[i] = rs.wasNull();
        }
        case BOOLEAN -> {
          longs[i] = rs.getBoolean(column) ? 1 : 0;
          nulls[i] = rs.wasNull();
        }
        case TIMESTAMP -> {
          OffsetDateTime time = rs.getObject(column, OffsetDateTime.class);
          nulls[i] = time == null;
          if (time != null) {
            longs[i] = Micros.of(time.toInstant());
          }
        }
        case STRING_LIST -> {
          Array array = rs.getArray(column);
          nulls[i] = array == null;
          if (array != null) {
            Object[] elements = (Object[]) array.getArray();
            List<String> list = new ArrayList<>(elements.length);
            for (Object element : elements) {
              list.add(element == null ? null : element.toString());
            }
            lists[i] = Collections.unmodifiableList(list);
            array.free();
          }
        }
        default -> throw new IllegalStateException("unhandled column type " + types[i]);
      }
    }
  }

  @Override
  public boolean isNull(int column) {
    return nulls[column];
  }

  @Override
  public String getString(int column) {
    return strings[column];
  }

  @Override
  public long getLong(int column) {
    return longs[column];
  }

  @Override
  public boolean getBoolean(int column) {
    return longs[column] != 0;
  }

  @Override
  public long getTimestampMicros(int column) {
    return longs[column];
  }

  @Override
  @SuppressWarnings("unchecked")
  public List<String> getStringList(int column) {
    return (List<String>) lists[column];
  }

  @Override
  public void cancel() {
    cancelled = true;
    try {
      statement.cancel();
    } catch (SQLException ignored) {
      // The flag stops the cursor at the next row even when the driver cannot cancel.
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (rs != null) {
        rs.close();
      }
      statement.close();
      if (dialect == Dialect.H2) {
        try (Statement lazy = connection.createStatement()) {
          lazy.execute("SET LAZY_QUERY_EXECUTION FALSE");
        }
      }
      if (restoreAutoCommit) {
        connection.rollback();
        connection.setAutoCommit(true);
      }
    } catch (SQLException ignored) {
      // Closing the connection below releases whatever is left.
    } finally {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // Nothing more can be done for a connection that fails to close.
      }
    }
  }

  /**
   * A source failure for a SQL error, retryable when the error is about the connection or load. Its
   * message goes to the run's users, so it describes the error without the driver's host names and
   * paths ({@link SqlFailures#describe}); the SQL exception is its cause.
   */
  public static ExportException sourceFailure(String what, SQLException e) {
    return new ExportException(what + ": " + SqlFailures.describe(e), e, isTransient(e));
  }

  static boolean isTransient(SQLException e) {
    if (e instanceof SQLTransientException || e instanceof SQLRecoverableException
        || e instanceof SQLNonTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    if (state == null) {
      return false;
    }
    return state.startsWith("08") || state.startsWith("40") || state.startsWith("53")
        || Arrays.asList("57P01", "57P02", "57P03", "HYT00").contains(state);
  }
}
