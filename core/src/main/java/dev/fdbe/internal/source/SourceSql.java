package dev.fdbe.internal.source;

import dev.fdbe.Model;
import dev.fdbe.internal.store.Dialect;
import dev.fdbe.schema.Schema;
import dev.fdbe.spi.SourceQuery;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The statements that select a query's rows from a reference table, and count them: both are built
 * from one selection (the same tables, predicate, event filters and uuid deduplication), so that the
 * count is of exactly the rows the cursor over the select returns.
 *
 * <p>The select orders by team, the time column, then the model's key columns. For events, the
 * select is the plain ordered read and the cursor drops the copies, told which by {@link #copies}
 * ({@link UuidCopies}): of each uuid it keeps the earliest row by time, {@code _inserted_at}, then
 * event. See {@link Copies} for why, and for the select that deduplicates in the database, which
 * the cursor reads instead when the interval holds too many copied uuids to list.
 *
 * <p>The count of events, where the list does not count ({@link Copies#counts()}), deduplicates in
 * the database too. On H2 it reads the uuids of the select that deduplicates by an anti-join, in
 * order, and counts them as that select's cursor does, skipping a uuid equal to the one before
 * ({@code countsKeys}); a {@code COUNT(DISTINCT uuid)} would be as exact but holds every uuid of the
 * interval in the database's memory at once.
 *
 * @param select the rows, in order
 * @param params the parameters of {@code select}, in order
 * @param count how many rows the cursor over {@code select} returns: one row with one
 *     {@code BIGINT}, or, when {@code countsKeys}, the uuids of those rows in their order
 * @param countParams the parameters of {@code count}, in order
 * @param countsKeys whether {@code count} selects uuids to count rather than counting itself
 * @param copies for events, how the cursor learns the copies to drop; otherwise null
 */
record SourceSql(String select, List<Object> params, String count, List<Object> countParams, boolean countsKeys,
    @Nullable Copies copies) {
  /**
   * How many times its own interval the earlier slices of a later slice may span for the slice, on
   * H2, to list their uuids ({@link Copies#earlierParams}) instead of looking each of its rows up in
   * them: streaming a uuid from the covering index costs about a microsecond, a lookup per row about
   * a dozen, and without the list each row is looked up twice, by the select and by the count
   * (docs/benchmarks.md, "Later slices on H2"). Eight leaves room for slices of uneven density.
   */
  static final int EARLIER_SLICES_LISTED = 8;

  SourceSql {
    params = List.copyOf(params);
    countParams = List.copyOf(countParams);
  }

  /**
   * How the cursor over events exports each uuid once. {@code list} finds each uuid that occurs more
   * than once in the interval, with its earliest row's time, {@code _inserted_at} and event (the
   * earliest by those, in that order; a null {@code _inserted_at} after any other), at most
   * {@link UuidCopies#CAP} of them. The cursor then reads {@link SourceSql#select}, the plain ordered
   * read, and of a listed uuid keeps only the first row equal to the earliest; the select's event
   * filters (and, where the list does not cover the earlier slices, its earlier-slice check) drop
   * rows before the cursor sees them, so a uuid whose earliest row is filtered out is exported not
   * at all, as when deduplicating first. When the interval holds more copied uuids than the list can
   * hold, the cursor reads {@code distinct} instead, which returns the same rows.
   *
   * <p>On PostgreSQL {@code list} is one statement (below). {@code DISTINCT ON} sorts the interval's
   * whole rows by uuid, then again into time order: 3.1 times the plain ordered read of a million
   * events (median of 7 rounds, {@code psql \copy}); the list costs one hash aggregate of the uuids
   * the (team_id, time, uuid) index finds, plus a lookup of the few copied uuids through (team_id,
   * uuid), and with the plain read measured 1.22 times it (1.44 on a table not yet vacuumed, whose
   * aggregate reads the heap). Window functions sort as {@code DISTINCT ON} does; a correlated
   * {@code NOT EXISTS} per row costs a lookup per row and can turn quadratic without statistics. The
   * figures and the command are in docs/progress.md, "Deduplicating events on PostgreSQL". The list
   * has one more row, with nulls but for a last column: the number of distinct uuids of the interval
   * (its rows less each copied uuid's copies, from the same aggregate, which groups by uuid and, as
   * a grouping set, the whole interval).
   *
   * <p>On H2, which groups a million uuids several times slower than it reads them, {@code list}
   * streams the interval's uuids from the (team_id, time, uuid, _inserted_at) index and the cursor
   * marks them in a Bloom filter; the few it may have seen before are looked up one by one by
   * {@code lookup} through the (team_id, uuid, time, _inserted_at) index, earliest row first
   * ({@link UuidCopies}). (H2 serves neither {@code uuid = ANY(?)} nor a long {@code IN} list nor a
   * join with {@code UNNEST} of an array through that index; one uuid per statement it does, in
   * about 80 microseconds.) Its {@code distinct} is the select
   * that keeps each uuid's earliest row by an anti-join per row (the export's select until the list
   * replaced it), which costs a lookup of every row's uuid.
   *
   * <p>Either way the list counts: without event filters or earlier slices (on H2, earlier slices
   * it does not list) the number of distinct uuids is exactly the rows the cursor returns
   * ({@code counts}), so the cursor's count needs no statement of its own: the second query over
   * the interval that {@link SourceSql#count} would run beside the read, deduplicating every uuid
   * again, is not run.
   *
   * <p>On H2 a later slice of a run lists the earlier slices' uuids too, with {@code list} over their
   * interval ({@code earlierParams}): a uuid of the slice that the filter may have seen there is
   * looked up from the run's start, and when its earliest row lies in an earlier slice, which exported
   * it, the slice skips all its rows. Its select is then the slice's plain ordered read and the list
   * counts, as for a whole run. Where the earlier slices span more than
   * {@link SourceSql#EARLIER_SLICES_LISTED} times the slice, streaming them would cost more than it
   * saves, and the select looks each row up in them instead, as on PostgreSQL.
   *
   * @param list on PostgreSQL, the copied uuids with their earliest rows (uuid, time,
   *     {@code _inserted_at}, event, null), and one row of four nulls and the interval's number of
   *     distinct uuids; on H2, the uuid of every row of an interval, with the parameters team, start, end
   * @param listParams the parameters of {@code list} over the query's interval
   * @param earlierParams on H2, for a later slice that lists the earlier slices' uuids, the parameters
   *     of {@code list} over their interval (from the run's start to the slice's); otherwise null
   * @param lookup on H2, the rows of the interval (uuid, time, {@code _inserted_at}, event) with one
   *     uuid, earliest first, with the parameters team, uuid, {@link #lookupFrom()} and the
   *     interval's end; null on PostgreSQL
   * @param distinct the select that deduplicates in the database
   * @param distinctParams the parameters of {@code distinct}
   * @param timeColumn the events' time column
   * @param counts whether the list's number of distinct uuids is the count of the rows the cursor
   *     returns: true unless the query filters events or is a later slice of its run that the list
   *     does not cover
   */
  record Copies(String list, List<Object> listParams, @Nullable List<Object> earlierParams, @Nullable String lookup,
      String distinct, List<Object> distinctParams, String timeColumn, boolean counts) {
    Copies {
      listParams = List.copyOf(listParams);
      earlierParams = earlierParams == null ? null : List.copyOf(earlierParams);
      distinctParams = List.copyOf(distinctParams);
    }

    /** Where {@link #lookup} starts looking: the earlier slices' start when it lists them, else the interval's. */
    Object lookupFrom() {
      return earlierParams == null ? listParams.get(1) : earlierParams.get(1);
    }
  }

  /**
   * The statements to run in the connection's transaction: these, unless they list copies first and
   * the transaction is the caller's ({@code ownTransaction} false) at an isolation level below
   * repeatable read, where the list and the select could see different rows (a copy committed in
   * between would be exported twice); then the select that deduplicates in the database, counted
   * by its own statement.
   */
  SourceSql forTransaction(Connection connection, boolean ownTransaction) throws SQLException {
    if (copies == null || ownTransaction
        || connection.getTransactionIsolation() >= Connection.TRANSACTION_REPEATABLE_READ) {
      return this;
    }
    return new SourceSql(copies.distinct(), copies.distinctParams(), count, countParams, countsKeys, null);
  }

  /** The statements of a query on the model's table and time column, in the database's dialect. */
  static SourceSql of(Dialect dialect, SourceQuery query, String table, String timeColumn) {
    Model model = query.model();
    String columns = columns(model.schema(), "e");
    List<Object> params = new ArrayList<>();
    String order = orderBy(model, "e", timeColumn);
    if (model != Model.EVENTS) {
      String from = " FROM " + table + " e WHERE " + interval("e", timeColumn, query, params);
      return new SourceSql("SELECT " + columns + from + order, params, "SELECT COUNT(*)" + from, params, false, null);
    }
    boolean filtered = !query.include().isEmpty() || !query.exclude().isEmpty();
    if (dialect == Dialect.H2) {
      List<Object> antiJoinParams = new ArrayList<>();
      String antiJoin = eventsFrom(query, table, timeColumn, antiJoinParams);
      String count = "SELECT e.uuid" + antiJoin + order;
      String distinct = "SELECT " + columns + antiJoin + order;
      String uuids = "SELECT e.uuid FROM " + table + " e WHERE e.team_id = ? AND e." + timeColumn + " >= ? AND e."
          + timeColumn + " < ?";
      String lookup = "SELECT e.uuid, e." + timeColumn + ", e._inserted_at, e.event FROM " + table
          + " e WHERE e.team_id = ? AND e.uuid = ? AND e." + timeColumn + " >= ? AND e." + timeColumn + " < ?"
          + " ORDER BY e." + timeColumn + ", e._inserted_at NULLS LAST, e.event";
      if (query.followsEarlierSlices() && !listsEarlierSlices(query)) {
        String select = plainSelect(query, table, timeColumn, columns, order, params, true);
        Copies copies = new Copies(uuids, interval(query), null, lookup, distinct, antiJoinParams, timeColumn, false);
        return new SourceSql(select, params, count, antiJoinParams, true, copies);
      }
      // The list of copies covers any earlier slices too: the select is the plain ordered read.
      String select = plainSelect(query, table, timeColumn, columns, order, params, false);
      List<Object> earlier = query.followsEarlierSlices()
          ? List.of(query.team().value(), utc(query.seenFrom()), utc(query.interval().start())) : null;
      Copies copies = new Copies(uuids, interval(query), earlier, lookup, distinct, antiJoinParams, timeColumn,
          !filtered);
      return new SourceSql(select, params, count, antiJoinParams, true, copies);
    }
    String select = plainSelect(query, table, timeColumn, columns, order, params, true);
    String earliest = " ORDER BY e.uuid, e." + timeColumn + ", e._inserted_at, e.event) e WHERE TRUE";
    List<Object> ignored = new ArrayList<>();
    String distinct = "SELECT " + columns + " FROM (SELECT DISTINCT ON (e.uuid) " + columns + ", e.team_id FROM "
        + table + " e WHERE " + interval("e", timeColumn, query, ignored) + earliest
        + afterEarlierSlices(query, table, timeColumn, ignored) + eventFilters(query, ignored) + order;
    // The count deduplicates in the database, on the few columns it needs rather than whole rows.
    String count = "SELECT COUNT(*) FROM (SELECT DISTINCT ON (e.uuid) e.uuid, e.event, e.team_id FROM " + table
        + " e WHERE " + interval("e", timeColumn, query, ignored) + earliest
        + afterEarlierSlices(query, table, timeColumn, ignored) + eventFilters(query, ignored);
    return new SourceSql(select, params, count, params, false,
        postgresCopies(query, table, timeColumn, distinct, params, !filtered && !query.followsEarlierSlices()));
  }

  /**
   * The list of copied uuids on PostgreSQL, and the number of distinct uuids. The aggregate is a
   * materialized CTE (read twice: by the lookup and by the number) so that the planner, which plans a
   * CTE for all its rows, does not let the {@code LIMIT} draw it to a group-by through the
   * (team_id, uuid) index that fetches every row of the table to check its time. Through an index
   * that holds the time as well, (team_id, uuid, time, _inserted_at) as the reference tables have it,
   * the planner reads a long interval's uuids in order without touching the table, and sorts none.
   * The lookup of the listed uuids states the interval as {@code (...) IS TRUE}, which no index
   * serves: without statistics the planner would otherwise take the (team_id, time, uuid) index and
   * match each row of the interval against every listed uuid, while through (team_id, uuid) it reads
   * only the listed uuids' rows.
   */
  private static Copies postgresCopies(SourceQuery query, String table, String timeColumn, String distinct,
      List<Object> distinctParams, boolean counts) {
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
    return new Copies(list, params, null, null, distinct, distinctParams, timeColumn, counts);
  }

  private static String columns(Schema schema, String alias) {
    StringBuilder sql = new StringBuilder();
    for (int i = 0; i < schema.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(alias).append('.').append(schema.column(i).name());
    }
    return sql.toString();
  }

  /**
   * The plain ordered read of the query's events, with its event filters and, when
   * {@code checksEarlierSlices}, the check of each row against the earlier slices of its run.
   */
  private static String plainSelect(SourceQuery query, String table, String timeColumn, String columns, String order,
      List<Object> params, boolean checksEarlierSlices) {
    return "SELECT " + columns + " FROM " + table + " e WHERE " + interval("e", timeColumn, query, params)
        + (checksEarlierSlices ? afterEarlierSlices(query, table, timeColumn, params) : "")
        + eventFilters(query, params) + order;
  }

  /**
   * Whether a later slice on H2 lists the uuids of the earlier slices rather than looking each of its
   * rows up in them: when they span at most {@link #EARLIER_SLICES_LISTED} times its own interval.
   */
  private static boolean listsEarlierSlices(SourceQuery query) {
    Duration earlier = Duration.between(query.seenFrom(), query.interval().start());
    Duration own = Duration.between(query.interval().start(), query.interval().end());
    return earlier.compareTo(own.multipliedBy(EARLIER_SLICES_LISTED)) <= 0;
  }

  /** The parameters of a statement over the query's interval: team, start, end. */
  private static List<Object> interval(SourceQuery query) {
    return List.of(query.team().value(), utc(query.interval().start()), utc(query.interval().end()));
  }

  private static OffsetDateTime utc(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  private static String interval(String alias, String timeColumn, SourceQuery query, List<Object> params) {
    params.add(query.team().value());
    params.add(utc(query.interval().start()));
    params.add(utc(query.interval().end()));
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
   * Where the events of the interval come from on H2 when deduplicating in the database, each uuid
   * once: the earliest by time, then {@code _inserted_at}, then event (the order of
   * {@link Copies#lookup()}), streamed through the (team_id, time, uuid, _inserted_at) index with an
   * anti-join on (team_id, uuid, time, _inserted_at); rows equal in all four remain and come out
   * adjacent, for the cursor to skip all but the first. A later slice of a run
   * also skips events whose uuid occurs earlier in the run ({@link SourceQuery#seenFrom()}), so a
   * sliced run exports what the whole run would.
   */
  private static String eventsFrom(SourceQuery query, String table, String timeColumn, List<Object> params) {
    StringBuilder sql = new StringBuilder();
    sql.append(" FROM ").append(table).append(" e WHERE ").append(interval("e", timeColumn, query, params));
    // Earlier slices of the same run count as earlier rows: their events were exported there.
    Object start = utc(query.seenFrom());
    Object end = params.get(params.size() - 1);
    // Earlier: by time, then _inserted_at (a null after any other), then event, as the list orders them.
    sql.append(" AND NOT EXISTS (SELECT 1 FROM ").append(table).append(" d WHERE d.team_id = e.team_id")
        .append(" AND d.uuid = e.uuid AND d.").append(timeColumn).append(" >= ? AND d.").append(timeColumn)
        .append(" < ? AND (d.").append(timeColumn).append(" < e.").append(timeColumn).append(" OR (d.")
        .append(timeColumn).append(" = e.").append(timeColumn).append(" AND (d._inserted_at < e._inserted_at")
        .append(" OR (d._inserted_at IS NOT NULL AND e._inserted_at IS NULL)")
        .append(" OR (d._inserted_at IS NOT DISTINCT FROM e._inserted_at AND d.event < e.event)))))");
    params.add(start);
    params.add(end);
    return sql + eventFilters(query, params);
  }

  /**
   * For a later slice of a run: skips events whose uuid occurs in an earlier slice,
   * which exported it, by a point lookup per row on (team_id, uuid); otherwise nothing.
   */
  private static String afterEarlierSlices(SourceQuery query, String table, String timeColumn, List<Object> params) {
    if (!query.followsEarlierSlices()) {
      return "";
    }
    params.add(utc(query.seenFrom()));
    params.add(utc(query.interval().start()));
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
