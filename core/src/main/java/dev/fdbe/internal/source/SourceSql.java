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
import org.jspecify.annotations.Nullable;

/**
 * The statements that select a query's rows from a reference table, and count them: both are built
 * from one selection (the same tables, predicate, event filters and uuid deduplication, with the
 * same parameters), so that the count is of exactly the rows the select returns.
 *
 * <p>The select orders by team, the time column, then the model's key columns. For events it keeps
 * the earliest row of each uuid, by time then {@code _inserted_at}. On H2, rows identical in uuid, time and
 * {@code _inserted_at} remain and come out adjacent, and the cursor skips all but the first
 * ({@link JdbcCursor}). So on H2 the count of events reads the selection's uuids in the same order
 * and counts them as the cursor does, skipping a uuid equal to the one before; a
 * {@code COUNT(DISTINCT uuid)} would be as exact but holds every uuid of the interval in the
 * database's memory at once.
 *
 * <p>On PostgreSQL the select of events is the plain ordered read and the cursor drops the copies,
 * told which by {@link #copies} ({@link UuidCopies}); see {@link Copies} for why.
 *
 * @param select the rows, in order
 * @param count how many rows the cursor over {@code select} returns: one row with one
 *     {@code BIGINT}, or, when {@code countsKeys}, the uuids of those rows in their order
 * @param countsKeys whether {@code count} selects uuids to count rather than counting itself
 * @param params the parameters of {@code select} and {@code count}, in order
 * @param copies for events on PostgreSQL, how the cursor learns the copies to drop; otherwise null
 */
record SourceSql(String select, String count, boolean countsKeys, List<Object> params, @Nullable Copies copies) {
  SourceSql {
    params = List.copyOf(params);
  }

  /**
   * How the cursor over events on PostgreSQL exports each uuid once. {@code list} selects each uuid
   * that occurs more than once in the interval, with its earliest row's time, {@code _inserted_at}
   * and event (the earliest by those, in that order), at most {@link UuidCopies#CAP} + 1 of them. The
   * cursor then reads {@link SourceSql#select}, the plain ordered read, and of a listed uuid keeps
   * only the first row equal to its earliest; the select's event filters and earlier-slice check
   * drop rows before the cursor sees them, so a uuid whose earliest row is filtered out is exported
   * not at all, as when deduplicating first. When the interval holds more copied uuids than the cap,
   * the cursor reads {@code distinct} instead, which picks each uuid's earliest row with
   * {@code DISTINCT ON} and returns the same rows.
   *
   * <p>Why: {@code DISTINCT ON} sorts the interval's whole rows by uuid, then again into time order:
   * 3.1 times the plain ordered read of a million events (median of 7 rounds, {@code psql \copy});
   * the list costs one hash aggregate of the uuids the (team_id, time, uuid) index finds, plus a
   * lookup of the few copied uuids through (team_id, uuid), and with the plain read measured 1.22
   * times it (1.44 on a table not yet vacuumed, whose aggregate reads the heap). Window functions
   * sort as {@code DISTINCT ON} does; a correlated {@code NOT EXISTS} per row costs a lookup per
   * row and can turn quadratic without statistics. The figures and the command are in
   * docs/progress.md, "Deduplicating events on PostgreSQL".
   *
   * <p>The list also counts: one more row, with nulls but for a last column, carries the number of
   * distinct uuids of the interval (its rows less each copied uuid's copies, from the same
   * aggregate, which groups by uuid and, as a grouping set, the whole interval). Without event
   * filters or earlier slices that is exactly the rows the cursor returns ({@code counts}), so the
   * cursor's count needs no statement of its own: the second query over the interval that
   * {@link SourceSql#count} would run beside the read, sorting every uuid again, is not run.
   *
   * @param list the copied uuids with their earliest rows (uuid, time, {@code _inserted_at}, event,
   *     null), and one row of four nulls and the interval's number of distinct uuids
   * @param listParams the parameters of {@code list}
   * @param distinct the select that deduplicates in the database, with {@link SourceSql#params}
   * @param timeColumn the events' time column
   * @param counts whether the list's number of distinct uuids is the count of the rows the cursor
   *     returns: true unless the query filters events or is a later slice of its run
   */
  record Copies(String list, List<Object> listParams, String distinct, String timeColumn, boolean counts) {
    Copies {
      listParams = List.copyOf(listParams);
    }
  }

  /** The statements of a query on the model's table and time column, in the database's dialect. */
  static SourceSql of(Dialect dialect, SourceQuery query, String table, String timeColumn) {
    Model model = query.model();
    String columns = columns(model.schema(), "e");
    List<Object> params = new ArrayList<>();
    String order = orderBy(model, "e", timeColumn);
    if (model != Model.EVENTS) {
      String from = " FROM " + table + " e WHERE " + interval("e", timeColumn, query, params);
      return new SourceSql("SELECT " + columns + from + order, "SELECT COUNT(*)" + from, false, params, null);
    }
    if (dialect != Dialect.POSTGRESQL) {
      String from = eventsFrom(query, table, timeColumn, params);
      return new SourceSql("SELECT " + columns + from + order, "SELECT e.uuid" + from + order, true, params, null);
    }
    String from = " FROM " + table + " e WHERE " + interval("e", timeColumn, query, params)
        + afterEarlierSlices(query, table, timeColumn, params) + eventFilters(query, params);
    String earliest = " ORDER BY e.uuid, e." + timeColumn + ", e._inserted_at, e.event) e WHERE TRUE";
    List<Object> ignored = new ArrayList<>();
    String distinct = "SELECT " + columns + " FROM (SELECT DISTINCT ON (e.uuid) " + columns + ", e.team_id FROM "
        + table + " e WHERE " + interval("e", timeColumn, query, ignored) + earliest
        + afterEarlierSlices(query, table, timeColumn, ignored) + eventFilters(query, ignored) + order;
    // The count deduplicates in the database, on the few columns it needs rather than whole rows.
    String count = "SELECT COUNT(*) FROM (SELECT DISTINCT ON (e.uuid) e.uuid, e.event, e.team_id FROM " + table
        + " e WHERE " + interval("e", timeColumn, query, ignored) + earliest
        + afterEarlierSlices(query, table, timeColumn, ignored) + eventFilters(query, ignored);
    return new SourceSql("SELECT " + columns + from + order, count, false, params,
        copies(query, table, timeColumn, distinct));
  }

  /**
   * The list of copied uuids, and the number of distinct uuids. The aggregate is a materialized CTE
   * (read twice: by the lookup and by the number) so that the planner, which plans a
   * CTE for all its rows, does not let the {@code LIMIT} draw it to a group-by through the
   * (team_id, uuid) index that fetches every row of the table to check its time. The lookup of the
   * listed uuids states the interval as {@code (...) IS TRUE}, which no index serves: without
   * statistics the planner would otherwise take the (team_id, time, uuid) index and match each row
   * of the interval against every listed uuid, while through (team_id, uuid) it reads only the
   * listed uuids' rows.
   */
  private static Copies copies(SourceQuery query, String table, String timeColumn, String distinct) {
    List<Object> params = new ArrayList<>();
    String aggregate = "WITH copied AS MATERIALIZED (SELECT d.uuid, COUNT(*) AS n, GROUPING(d.uuid) AS whole FROM "
        + table + " d WHERE " + interval("d", timeColumn, query, params)
        + " GROUP BY GROUPING SETS ((d.uuid), ()) HAVING COUNT(*) > 1 OR GROUPING(d.uuid) = 1)";
    params.addAll(List.copyOf(params)); // the lookup below: the same team and interval
    String uuids = "SELECT NULL, NULL, NULL, NULL,"
        + " (SELECT SUM(CASE WHEN c.whole = 1 THEN c.n ELSE 1 - c.n END) FROM copied c)::bigint";
    String list = aggregate + " " + uuids + " UNION ALL (SELECT DISTINCT ON (e.uuid) e.uuid, e." + timeColumn
        + ", e._inserted_at, e.event, NULL FROM " + table + " e WHERE e.team_id = ? AND (e." + timeColumn
        + " >= ? AND e." + timeColumn + " < ?) IS TRUE AND e.uuid = ANY(ARRAY(SELECT c.uuid FROM copied c"
        + " WHERE c.whole = 0 LIMIT " + (UuidCopies.CAP + 1) + "))"
        + " ORDER BY e.uuid, e." + timeColumn + ", e._inserted_at, e.event)";
    boolean counts = query.include().isEmpty() && query.exclude().isEmpty() && !query.followsEarlierSlices();
    return new Copies(list, params, distinct, timeColumn, counts);
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
   * Where the events of the interval come from on H2, each uuid once: the earliest by time, then
   * {@code _inserted_at}, streamed through the (team_id, time, uuid) index with an anti-join on
   * (team_id, uuid). A later slice of a run also skips events whose uuid occurs earlier in the run
   * ({@link SourceQuery#seenFrom()}), so a sliced run exports what the whole run would.
   */
  private static String eventsFrom(SourceQuery query, String table, String timeColumn, List<Object> params) {
    StringBuilder sql = new StringBuilder();
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
    return sql + eventFilters(query, params);
  }

  /**
   * On PostgreSQL, for a later slice of a run: skips events whose uuid occurs in an earlier slice,
   * which exported it, by a point lookup per row on (team_id, uuid); otherwise nothing.
   */
  private static String afterEarlierSlices(SourceQuery query, String table, String timeColumn, List<Object> params) {
    if (!query.followsEarlierSlices()) {
      return "";
    }
    params.add(OffsetDateTime.ofInstant(query.seenFrom(), ZoneOffset.UTC));
    params.add(OffsetDateTime.ofInstant(query.interval().start(), ZoneOffset.UTC));
    return " AND NOT EXISTS (SELECT 1 FROM " + table + " d WHERE d.team_id = e.team_id AND d.uuid = e.uuid AND d."
        + timeColumn + " >= ? AND d." + timeColumn + " < ?)";
  }

  private static String eventFilters(SourceQuery query, List<Object> params) {
    StringBuilder sql = new StringBuilder();
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
