package dev.fdbe;

import com.google.errorprone.annotations.CheckReturnValue;
import dev.fdbe.internal.source.JdbcCursor;
import dev.fdbe.internal.store.Dialect;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * A {@link RecordSource} over the reference tables {@code events}, {@code persons} and
 * {@code sessions} of an H2 or PostgreSQL database (see {@link ReferenceTables} for their
 * columns). Rows stream through a cursor with a fetch size; the whole result is never in memory.
 *
 * <p>Each table has a {@code team_id} column; a run selects its team's rows whose time column lies
 * in the interval. Events with the same {@code uuid} are exported once (the earliest by
 * {@code timestamp}, then {@code _inserted_at}); this needs an index on {@code (team_id, uuid)} to
 * be fast, which {@link ReferenceTables#create} makes.
 *
 * <pre>{@code
 * RecordSource source = JdbcRecordSource.builder(dataSource)
 *     .table(Model.EVENTS, "analytics.events")
 *     .fetchSize(5_000)
 *     .build();
 * }</pre>
 */
public final class JdbcRecordSource implements RecordSource {
  /** The rows fetched per round trip unless configured otherwise. */
  public static final int DEFAULT_FETCH_SIZE = 2_000;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  private final DataSource dataSource;
  private final Map<Model, String> tables;
  private final Map<Model, String> timeColumns;
  private final int fetchSize;
  private volatile Dialect dialect;

  private JdbcRecordSource(Builder builder) {
    this.dataSource = builder.dataSource;
    this.tables = Map.copyOf(builder.tables);
    this.timeColumns = Map.copyOf(builder.timeColumns);
    this.fetchSize = builder.fetchSize;
  }

  /** A source over the data source's reference tables, with every default. */
  public static JdbcRecordSource of(DataSource dataSource) {
    return builder(dataSource).build();
  }

  /** A builder of a source over the data source. */
  @CheckReturnValue
  public static Builder builder(DataSource dataSource) {
    return new Builder(dataSource);
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
      return JdbcCursor.open(connection, d, query, tables.get(query.model()), timeColumns.get(query.model()),
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

  /** Builds a {@link JdbcRecordSource}. Each option may be set once per model. */
  public static final class Builder {
    private final DataSource dataSource;
    private final Map<Model, String> tables = new EnumMap<>(Model.class);
    private final Map<Model, String> timeColumns = new EnumMap<>(Model.class);
    private boolean fetchSizeSet;
    private int fetchSize = DEFAULT_FETCH_SIZE;

    private Builder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      for (Model model : Model.values()) {
        tables.put(model, model.wireName());
        timeColumns.put(model, model.defaultTimeColumn());
      }
    }

    /** The table holding the model's rows, optionally schema-qualified; default the model's name. */
    public Builder table(Model model, String table) {
      Objects.requireNonNull(model, "model");
      checkIdentifier("table", table);
      tables.put(model, table);
      return this;
    }

    /**
     * The timestamp column a run's interval applies to; default {@link Model#defaultTimeColumn()}.
     * It must be one of the model's timestamp columns.
     */
    public Builder timeColumn(Model model, String column) {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(column, "column");
      int index = model.schema().indexOf(column);
      if (index < 0 || model.schema().column(index).type() != ColumnType.TIMESTAMP) {
        throw new IllegalArgumentException("time column of " + model + " must be one of its timestamp columns, got '"
            + column + "'");
      }
      timeColumns.put(model, column);
      return this;
    }

    /** Rows fetched per round trip, 1 to 1,000,000; default {@value #DEFAULT_FETCH_SIZE}. */
    public Builder fetchSize(int rows) {
      if (rows < 1 || rows > 1_000_000) {
        throw new IllegalArgumentException("fetchSize must be between 1 and 1000000, got " + rows);
      }
      if (fetchSizeSet) {
        throw new IllegalStateException("fetchSize was already set to " + fetchSize);
      }
      fetchSizeSet = true;
      fetchSize = rows;
      return this;
    }

    /** The source; nothing connects until a run opens a cursor. */
    @CheckReturnValue
    public JdbcRecordSource build() {
      return new JdbcRecordSource(this);
    }

    private static void checkIdentifier(String what, String name) {
      Objects.requireNonNull(name, what);
      if (!IDENTIFIER.matcher(name).matches()) {
        throw new IllegalArgumentException(what + " must be a plain SQL identifier, optionally schema-qualified, got '"
            + name + "'");
      }
    }
  }
}
