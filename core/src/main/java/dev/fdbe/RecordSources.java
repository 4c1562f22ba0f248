package dev.fdbe;

import com.google.errorprone.annotations.CheckReturnValue;
import com.google.errorprone.annotations.CanIgnoreReturnValue;
import dev.fdbe.internal.source.InMemoryRecordSource;
import dev.fdbe.internal.source.JdbcRecordSource;
import dev.fdbe.internal.source.ReferenceTables;
import dev.fdbe.schema.ColumnType;
import dev.fdbe.spi.RecordSource;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import javax.sql.DataSource;

/**
 * The record sources that ship with fdbe, and the reference tables they read.
 *
 * <p>A JDBC source reads tables of the reference shape — {@code events}, {@code persons} and
 * {@code sessions}, each with the columns of its model's {@link Model#schema() schema} and a
 * {@code team_id} — from an H2 or PostgreSQL database. A run selects its team's rows whose time
 * column lies in the interval; events with the same {@code uuid} are exported once (the earliest by
 * the time column, {@code timestamp} unless {@link JdbcBuilder#timeColumn} says otherwise, then
 * {@code _inserted_at}, then event name), which needs an index on
 * {@code (team_id, uuid)} to be fast ({@link #createReferenceTables} makes it). Rows stream through
 * a cursor; the whole result is never in memory.
 *
 * <pre>{@code
 * RecordSource source = RecordSources.jdbcBuilder(dataSource)
 *     .table(Model.EVENTS, "analytics.events")
 *     .fetchSize(5_000)
 *     .build();
 * }</pre>
 *
 * <p>An in-memory source holds rows given to its builder, so that export logic can be tested offline
 * with no database; it selects rows exactly as the JDBC source does.
 */
public final class RecordSources {
  /** The rows a JDBC source fetches per round trip unless configured otherwise. */
  public static final int DEFAULT_FETCH_SIZE = 2_000;

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.[A-Za-z_][A-Za-z0-9_]*)?");

  /** A JDBC source over the data source's reference tables, with every default. Nothing connects yet. */
  public static RecordSource jdbc(DataSource dataSource) {
    return jdbcBuilder(dataSource).build();
  }

  /** A builder of a JDBC source over the data source. */
  @CheckReturnValue
  public static JdbcBuilder jdbcBuilder(DataSource dataSource) {
    return new JdbcBuilder(dataSource);
  }

  /** A builder of a source holding the rows it is given in memory. */
  @CheckReturnValue
  public static InMemoryBuilder inMemory() {
    return new InMemoryBuilder();
  }

  /**
   * Creates the reference tables {@code events}, {@code persons} and {@code sessions} and their
   * indexes in an H2 or PostgreSQL database, if they do not exist. For demos, tests and benchmarks; a
   * service usually points the source at its own tables of the same shape.
   *
   * <p>Column types: strings and JSON are {@code VARCHAR} (H2) or {@code TEXT} (PostgreSQL), except
   * {@code events.uuid}, a {@code UUID}; integers {@code BIGINT}; timestamps
   * {@code TIMESTAMP WITH TIME ZONE} with microseconds; lists {@code VARCHAR ARRAY} / {@code TEXT[]}.
   *
   * <p>Events are indexed by {@code (team_id, timestamp, uuid)} (on H2 with {@code _inserted_at}
   * after them), which delivers the export's order, and by {@code (team_id, uuid, timestamp,
   * _inserted_at)}, through which copies of an event are found and listed without reading whole
   * rows. Tables of your own want the same. On H2 the narrower indexes of earlier versions are
   * replaced; on PostgreSQL a table that an earlier version indexed by {@code (team_id, uuid)} keeps
   * that index, since building another would hold a large table's writers back (docs/storage.md
   * shows how to switch with a concurrent build).
   *
   * @throws ExportException when the database refuses
   */
  public static void createReferenceTables(DataSource dataSource) {
    ReferenceTables.create(Objects.requireNonNull(dataSource, "dataSource"));
  }

  /**
   * Inserts rows of the model for the team into its reference table, in batches. Values by column
   * name as for {@link InMemoryBuilder#add}; {@code team_id}, when a model has it, is taken from
   * {@code team} and must not disagree with it.
   *
   * @return the number of rows inserted
   * @throws IllegalArgumentException naming the column of a row that does not fit the schema
   * @throws ExportException when the database refuses
   */
  public static long insertReferenceRows(DataSource dataSource, TeamId team, Model model,
      Iterable<? extends Map<String, ?>> rows) {
    return ReferenceTables.insert(Objects.requireNonNull(dataSource, "dataSource"), team, model, rows);
  }

  /** Builds a JDBC source. Each option may be set once per model; nothing connects before a run. */
  public static final class JdbcBuilder {
    private final DataSource dataSource;
    private final Map<Model, String> tables = new EnumMap<>(Model.class);
    private final Map<Model, String> timeColumns = new EnumMap<>(Model.class);
    private final Set<Model> tablesSet = EnumSet.noneOf(Model.class);
    private final Set<Model> timeColumnsSet = EnumSet.noneOf(Model.class);
    private boolean fetchSizeSet;
    private int fetchSize = DEFAULT_FETCH_SIZE;

    private JdbcBuilder(DataSource dataSource) {
      this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
      for (Model model : Model.values()) {
        tables.put(model, model.wireName());
        timeColumns.put(model, model.defaultTimeColumn());
      }
    }

    /**
     * The table holding the model's rows, a plain SQL identifier, optionally schema-qualified;
     * default the model's name.
     *
     * @throws IllegalArgumentException naming the table when it is not a plain identifier
     * @throws IllegalStateException when the model's table was already set
     */
    @CanIgnoreReturnValue
    public JdbcBuilder table(Model model, String table) {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(table, "table");
      if (!IDENTIFIER.matcher(table).matches()) {
        throw new IllegalArgumentException(
            "table must be a plain SQL identifier, optionally schema-qualified, got '" + table + "'");
      }
      if (!tablesSet.add(model)) {
        throw new IllegalStateException("table of " + model.wireName() + " was already set to '" + tables.get(model) + "'");
      }
      tables.put(model, table);
      return this;
    }

    /**
     * The timestamp column a run's interval applies to; default {@link Model#defaultTimeColumn()}.
     *
     * @throws IllegalArgumentException when the column is not one of the model's timestamp columns
     * @throws IllegalStateException when the model's time column was already set
     */
    @CanIgnoreReturnValue
    public JdbcBuilder timeColumn(Model model, String column) {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(column, "column");
      int index = model.schema().indexOf(column);
      if (index < 0 || model.schema().column(index).type() != ColumnType.TIMESTAMP) {
        throw new IllegalArgumentException("time column of " + model + " must be one of its timestamp columns, got '"
            + column + "'");
      }
      if (!timeColumnsSet.add(model)) {
        throw new IllegalStateException(
            "time column of " + model.wireName() + " was already set to '" + timeColumns.get(model) + "'");
      }
      timeColumns.put(model, column);
      return this;
    }

    /**
     * Rows fetched per round trip, 1 to 1,000,000; default {@value #DEFAULT_FETCH_SIZE}.
     *
     * @throws IllegalStateException when it was already set
     */
    @CanIgnoreReturnValue
    public JdbcBuilder fetchSize(int rows) {
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

    /** The source; the builder stays usable. Nothing connects until a run opens a cursor. */
    @CheckReturnValue
    public RecordSource build() {
      return new JdbcRecordSource(dataSource, tables, timeColumns, fetchSize);
    }
  }

  /** Builds an in-memory source from the rows added to it. Not thread-safe; the source it builds is. */
  public static final class InMemoryBuilder {
    private final InMemoryRecordSource rows = new InMemoryRecordSource();

    private InMemoryBuilder() {}

    /**
     * Adds one row of the model for the team. Values by column name: {@code String} for string and
     * JSON columns, {@code Long} or {@code Integer} for integers, {@code Boolean}, {@code Instant} for
     * timestamps, {@code List<String>} for lists; absent or null for null.
     *
     * @throws IllegalArgumentException naming the column when a name is unknown, a required value is
     *     missing or a value has the wrong type
     */
    @CanIgnoreReturnValue
    public InMemoryBuilder add(TeamId team, Model model, Map<String, ?> values) {
      rows.add(Objects.requireNonNull(team, "team"), Objects.requireNonNull(model, "model"), values);
      return this;
    }

    /** Adds several rows; see {@link #add(TeamId, Model, Map)}. */
    @CanIgnoreReturnValue
    public InMemoryBuilder addAll(TeamId team, Model model, Iterable<? extends Map<String, ?>> values) {
      for (Map<String, ?> row : values) {
        add(team, model, row);
      }
      return this;
    }

    /** The source holding the rows added so far; the builder stays usable. */
    @CheckReturnValue
    public RecordSource build() {
      return rows.copy();
    }
  }

  private RecordSources() {}
}
