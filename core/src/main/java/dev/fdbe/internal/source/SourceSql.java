package dev.fdbe.internal.source;

import dev.fdbe.Model;
import dev.fdbe.internal.store.Dialect;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.SourceQuery;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The statements that select a query's rows from a reference table, and count them: both are built
 * from one selection (the same tables, predicate, event filters and uuid deduplication, with the
 * same parameters), so that the count is of exactly the rows the select returns.
 *
 * <p>The select orders by team, the time column, then the model's key columns. For events it keeps
 * the earliest row of each uuid (see {@link #of}); on H2, rows identical in uuid, time and
 * {@code _inserted_at} remain and come out adjacent, and the cursor skips all but the first
 * ({@link JdbcCursor}). So on H2 the count of events reads the selection's uuids in the same order
 * and counts them as the cursor does, skipping a uuid equal to the one before; a
 * {@code COUNT(DISTINCT uuid)} would be as exact but holds every uuid of the interval in the
 * database's memory at once.
 *
 * @param select the rows, in order
 * @param count how many rows the cursor over {@code select} returns: one row with one
 *     {@code BIGINT}, or, when {@code countsKeys}, the uuids of those rows in their order
 * @param countsKeys whether {@code count} selects uuids to count rather than counting itself
 * @param params the parameters of either statement, in order
 */
record SourceSql(String select, String count, boolean countsKeys, List<Object> params) {
  SourceSql {
    params = List.copyOf(params);
  }

  /** The statements of a query on the model's table and time column, in the database's dialect. */
  static SourceSql of(Dialect dialect, SourceQuery query, String table, String timeColumn) {
    Model model = query.model();
    String columns = columns(model.schema(), "e");
    List<Object> params = new ArrayList<>();
    String order = orderBy(model, "e", timeColumn);
    if (model != Model.EVENTS) {
      String from = " FROM " + table + " e WHERE " + interval("e", timeColumn, query, params);
      return new SourceSql("SELECT " + columns + from + order, "SELECT COUNT(*)" + from, false, params);
    }
    String from = eventsFrom(dialect, query, table, timeColumn, columns, params);
    return dialect == Dialect.POSTGRESQL
        ? new SourceSql("SELECT " + columns + from + order, "SELECT COUNT(*)" + from, false, params)
        : new SourceSql("SELECT " + columns + from + order, "SELECT e.uuid" + from + order, true, params);
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

  /**
   * Where the events of the interval come from, each uuid once: the earliest by time, then
   * {@code _inserted_at}. H2 streams it through the (team_id, time, uuid) index with an anti-join on
   * (team_id, uuid); PostgreSQL picks one row per uuid with {@code DISTINCT ON}, a plan that stays
   * linear whatever the table statistics say (a correlated {@code NOT EXISTS} turns quadratic there
   * without them). A later slice of a run also skips events whose uuid occurs earlier in the run
   * ({@link SourceQuery#seenFrom()}), so a sliced run exports what the whole run would.
   */
  private static String eventsFrom(Dialect dialect, SourceQuery query, String table, String timeColumn,
      String columns, List<Object> params) {
    StringBuilder sql = new StringBuilder();
    if (dialect == Dialect.POSTGRESQL) {
      sql.append(" FROM (SELECT DISTINCT ON (e.uuid) ").append(columns)
          .append(", e.team_id FROM ").append(table).append(" e WHERE ")
          .append(interval("e", timeColumn, query, params))
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
      sql.append(" FROM ").append(table).append(" e WHERE ").append(interval("e", timeColumn, query, params));
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
    return sql.toString();
  }

  private static String placeholders(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }
}
