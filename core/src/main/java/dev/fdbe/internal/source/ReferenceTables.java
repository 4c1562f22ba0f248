package dev.fdbe.internal.source;

import dev.fdbe.internal.Micros;
import dev.fdbe.internal.store.Dialect;
import dev.fdbe.internal.store.Transactions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import dev.fdbe.schema.Schema;
import dev.fdbe.schema.Column;
import dev.fdbe.ExportException;
import dev.fdbe.Model;
import dev.fdbe.TeamId;

/**
 * The reference tables {@link JdbcRecordSource} reads: {@code events}, {@code persons} and
 * {@code sessions}, each with the columns of its model's {@link Schema} plus, for events, a
 * {@code team_id}. For demos, tests and benchmarks; a service usually points the source at its own
 * tables of the same shape.
 *
 * <p>Column types: strings and JSON are {@code VARCHAR} (H2) or {@code TEXT} (PostgreSQL), except
 * {@code events.uuid}, a {@code UUID}; integers {@code BIGINT}; timestamps
 * {@code TIMESTAMP WITH TIME ZONE} with microseconds; lists {@code VARCHAR ARRAY} / {@code TEXT[]}.
 */
public final class ReferenceTables {
  private static final int BATCH = 1_000;

  /**
   * Creates the three tables and their indexes if they do not exist.
   *
   * @throws ExportException when the database refuses
   */
  public static void create(DataSource dataSource) {
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      Dialect dialect = Dialect.of(connection);
      for (Model model : Model.values()) {
        statement.execute(createTable(model, dialect));
      }
      for (String index : eventIndexes(connection, dialect)) {
        statement.execute(index);
      }
      statement.execute(
          "CREATE INDEX IF NOT EXISTS persons_team_time ON persons (team_id, _inserted_at, distinct_id, person_id)");
      statement.execute("CREATE INDEX IF NOT EXISTS sessions_team_time ON sessions (team_id, _inserted_at, session_id)");
    } catch (SQLException e) {
      throw new ExportException("cannot create the reference tables: " + e.getMessage(), e);
    }
  }

  /**
   * The events' indexes: by time for the read and by uuid for the lookup that drops copies. The uuid
   * index also holds the columns that the deduplication compares ({@code timestamp},
   * {@code _inserted_at}), and on H2 so does the time index. On H2 counting the events and looking up
   * their copies then never read a whole row (the count of 1M events, which runs beside the read and
   * competes with it for the cores, fell from 14.6-16.6 s to 7.1-7.8 s; docs/benchmarks.md, covering
   * indexes on H2). On PostgreSQL the list of copied uuids can read a long interval's uuids in order
   * from the uuid index instead of sorting them, which the planner chooses when the interval holds
   * much of the team's events (docs/benchmarks.md, the list of copies in uuid order).
   *
   * <p>On H2 the narrower indexes of earlier versions are replaced. On PostgreSQL a table indexed by
   * an earlier version ({@code events_team_uuid} on {@code (team_id, uuid)}) keeps its index: building
   * another over a large live table would hold its writers back for as long as the build takes, so
   * docs/storage.md tells the operator how to switch without that.
   */
  private static List<String> eventIndexes(Connection connection, Dialect dialect) throws SQLException {
    if (dialect != Dialect.H2) {
      List<String> indexes = new ArrayList<>();
      indexes.add("CREATE INDEX IF NOT EXISTS events_team_time ON events (team_id, timestamp, uuid)");
      if (!postgresIndexExists(connection, "events_team_uuid")) {
        indexes.add("CREATE INDEX IF NOT EXISTS events_team_uuid_time"
            + " ON events (team_id, uuid, timestamp, _inserted_at)");
      }
      return indexes;
    }
    return List.of("DROP INDEX IF EXISTS events_team_time", "DROP INDEX IF EXISTS events_team_uuid",
        "CREATE INDEX IF NOT EXISTS events_team_time_inserted ON events (team_id, timestamp, uuid, _inserted_at)",
        "CREATE INDEX IF NOT EXISTS events_team_uuid_time ON events (team_id, uuid, timestamp, _inserted_at)");
  }

  /** Whether the events table the search path finds has an index of that name. */
  private static boolean postgresIndexExists(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("SELECT EXISTS (SELECT 1 FROM pg_index i"
        + " JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'events'::regclass AND c.relname = ?)")) {
      statement.setString(1, name);
      try (ResultSet rs = statement.executeQuery()) {
        return rs.next() && rs.getBoolean(1);
      }
    }
  }

  private static String createTable(Model model, Dialect dialect) {
    StringBuilder sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").append(model.wireName()).append(" (");
    if (model == Model.EVENTS) {
      sql.append("team_id BIGINT NOT NULL, ");
    }
    Schema schema = model.schema();
    for (int i = 0; i < schema.size(); i++) {
      Column column = schema.column(i);
      sql.append(i == 0 ? "" : ", ").append(column.name()).append(' ').append(sqlType(model, column, dialect));
      if (!column.nullable()) {
        sql.append(" NOT NULL");
      }
    }
    return sql.append(')').toString();
  }

  private static String sqlType(Model model, Column column, Dialect dialect) {
    if (model == Model.EVENTS && column.name().equals("uuid")) {
      return "UUID";
    }
    boolean h2 = dialect == Dialect.H2;
    return switch (column.type()) {
      case STRING, JSON -> h2 ? "VARCHAR" : "TEXT";
      case INT64 -> "BIGINT";
      case BOOLEAN -> "BOOLEAN";
      case TIMESTAMP -> h2 ? "TIMESTAMP(6) WITH TIME ZONE" : "TIMESTAMPTZ";
      case STRING_LIST -> h2 ? "VARCHAR ARRAY" : "TEXT[]";
    };
  }

  /**
   * Inserts rows of the model for the team, in batches. Values by column name as for
   * {@link InMemoryRecordSource#add}; {@code team_id}, when a model has it, is taken from
   * {@code team} and must not disagree with it.
   *
   * @return the number of rows inserted
   * @throws IllegalArgumentException naming the column of a row that does not fit the schema
   * @throws ExportException when the database refuses
   */
  public static long insert(DataSource dataSource, TeamId team, Model model, Iterable<? extends Map<String, ?>> rows) {
    Schema schema = model.schema();
    int teamColumn = schema.indexOf("team_id");
    StringBuilder sql = new StringBuilder("INSERT INTO ").append(model.wireName()).append(" (");
    List<String> names = new ArrayList<>();
    if (teamColumn < 0) {
      names.add("team_id");
    }
    schema.columns().forEach(c -> names.add(c.name()));
    sql.append(String.join(", ", names)).append(") VALUES (")
        .append(String.join(", ", java.util.Collections.nCopies(names.size(), "?"))).append(')');
    try {
      return Transactions.inTransaction(dataSource, connection -> {
        Dialect dialect = Dialect.of(connection);
        long inserted = 0;
        try (PreparedStatement insert = connection.prepareStatement(sql.toString())) {
          int pending = 0;
          for (Map<String, ?> row : rows) {
            Object[] values = RowValues.normalize(schema, withTeam(row, teamColumn, team));
            int p = 1;
            if (teamColumn < 0) {
              insert.setLong(p++, team.value());
            }
            for (int i = 0; i < schema.size(); i++) {
              bind(connection, dialect, insert, p++, model, schema.column(i), values[i]);
            }
            insert.addBatch();
            if (++pending == BATCH) {
              insert.executeBatch();
              pending = 0;
            }
            inserted++;
          }
          if (pending > 0) {
            insert.executeBatch();
          }
        }
        return inserted;
      });
    } catch (SQLException e) {
      throw new ExportException("cannot insert " + model + " rows: " + e.getMessage(), e);
    }
  }

  private static Map<String, ?> withTeam(Map<String, ?> row, int teamColumn, TeamId team) {
    if (teamColumn < 0) {
      return row;
    }
    Object given = row.get("team_id");
    if (given != null) {
      if (!(given instanceof Number n) || n.longValue() != team.value()) {
        throw new IllegalArgumentException("column 'team_id' is " + given + " but the rows are inserted for team "
            + team);
      }
      return row;
    }
    Map<String, Object> copy = new java.util.HashMap<>(row);
    copy.put("team_id", team.value());
    return copy;
  }

  private static void bind(Connection connection, Dialect dialect, PreparedStatement insert, int index, Model model,
      Column column, Object value) throws SQLException {
    if (value == null) {
      insert.setNull(index, switch (column.type()) {
        case INT64 -> Types.BIGINT;
        case BOOLEAN -> Types.BOOLEAN;
        case TIMESTAMP -> Types.TIMESTAMP_WITH_TIMEZONE;
        case STRING_LIST -> Types.ARRAY;
        default -> model == Model.EVENTS && column.name().equals("uuid") ? Types.OTHER : Types.VARCHAR;
      });
      return;
    }
    switch (column.type()) {
      case STRING, JSON -> {
        if (model == Model.EVENTS && column.name().equals("uuid")) {
          UUID uuid;
          try {
            uuid = UUID.fromString((String) value);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("column 'uuid' must hold a UUID, got '" + value + "'", e);
          }
          insert.setObject(index, uuid);
        } else {
          insert.setString(index, (String) value);
        }
      }
      case INT64 -> insert.setLong(index, (Long) value);
      case BOOLEAN -> insert.setBoolean(index, (Boolean) value);
      case TIMESTAMP -> insert.setObject(index, OffsetDateTime.ofInstant(Micros.toInstant((Long) value), ZoneOffset.UTC));
      case STRING_LIST -> {
        List<?> list = (List<?>) value;
        insert.setArray(index, connection.createArrayOf(dialect == Dialect.H2 ? "VARCHAR" : "text", list.toArray()));
      }
      default -> throw new IllegalStateException("unhandled column type " + column.type());
    }
  }

  private ReferenceTables() {}
}
