package dev.fdbe.internal.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.TimeRange;
import dev.fdbe.internal.store.Dialect;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.SourceQuery;
import dev.fdbe.testing.TestDatabases;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.Test;

/**
 * The copies of events on H2, whose list streams the interval's uuids through a Bloom filter and
 * looks up those it may have seen ({@link UuidCopies}).
 */
class H2EventCopiesTest extends EventCopiesContract {
  private DataSource dataSource;

  @Override
  DataSource createDatabase() {
    dataSource = TestDatabases.h2();
    return dataSource;
  }

  @Override
  void dropDatabase() {
    ((JdbcConnectionPool) dataSource).dispose();
  }

  @Override
  List<RecordCursor> cursors(DataSource dataSource, DataSource countConnections, SourceQuery query)
      throws SQLException {
    return List.of(JdbcCursor.open(dataSource.getConnection(), countConnections, Dialect.H2, query, "events",
        "timestamp", 7));
  }

  @Override
  boolean listsEarlierSlices() {
    return true;
  }

  @Override
  void insertCopiedUuids(Statement statement, int uuids) throws SQLException {
    statement.execute("INSERT INTO events (team_id, uuid, event, timestamp, _inserted_at)"
        + " SELECT " + TEAM.value() + ","
        + " CAST('00000000-0000-0000-0000-' || LPAD(CAST(i.X AS VARCHAR), 12, '0') AS UUID),"
        + " CASE WHEN c.X = 0 THEN 'first' ELSE 'later' END,"
        + " TIMESTAMP WITH TIME ZONE '2026-11-20 00:00:00+00'"
        + " + i.X * INTERVAL '1' SECOND + c.X * INTERVAL '1' HOUR,"
        + " TIMESTAMP WITH TIME ZONE '2026-11-22 00:00:00+00'"
        + " FROM SYSTEM_RANGE(1, " + uuids + ") i, SYSTEM_RANGE(0, 1) c");
  }

  @Test
  void theConnectionGoesBackToItsPoolAsItCame() throws SQLException {
    RecordSources.insertReferenceRows(dataSource, TEAM, Model.EVENTS, List.of(row(1, "a", "2026-11-20T01:00:00Z")));
    List<Object> seen = new ArrayList<>();
    try (Connection lent = dataSource.getConnection()) {
      seen.add(lent.getAutoCommit());
      seen.add(lent.getTransactionIsolation());
    }
    for (RecordCursor cursor : cursors(dataSource, dataSource, DAY_QUERY)) {
      try (cursor) {
        while (cursor.next()) {
          assertThat(cursor.getString(1)).isEqualTo("a");
        }
      }
    }
    try (Connection back = dataSource.getConnection()) {
      assertThat(List.<Object>of(back.getAutoCommit(), back.getTransactionIsolation())).isEqualTo(seen);
    }
  }

  @Test
  void aLargeIntervalWithoutCopiesLooksUpFewUuidsAndEveryUuidSeenIsKnown() {
    UuidCopies.Seen seen = new UuidCopies.Seen();
    int maybe = 0;
    int uuids = 1_000_000;
    for (long i = 0; i < uuids; i++) {
      // Sequential uuids, as some hosts make them: the filter must spread them all the same.
      if (!seen.add(new UUID(0x0123_4567_89ab_4000L, i))) {
        maybe++;
      }
    }
    assertThat(maybe).as("uuids a million distinct ones may have repeated").isLessThan(1_000);
    for (long i = 0; i < uuids; i++) {
      // Those of the first layers as well as those of the last: a Bloom filter never forgets.
      if (seen.add(new UUID(0x0123_4567_89ab_4000L, i))) {
        throw new AssertionError("uuid " + i + " was taken for new a second time");
      }
    }
  }

  @Test
  void inACallersTransactionBelowRepeatableReadTheDatabaseDeduplicates() throws SQLException {
    RecordSources.insertReferenceRows(dataSource, TEAM, Model.EVENTS, List.of(
        row(1, "a", "2026-11-20T01:00:00Z"), row(1, "a later", "2026-11-20T02:00:00Z"),
        row(2, "b", "2026-11-20T03:00:00Z")));
    Connection callers = dataSource.getConnection();
    callers.setAutoCommit(false); // H2's READ COMMITTED: a list and a select could see different rows
    try (RecordCursor cursor = JdbcCursor.open(callers, dataSource, Dialect.H2, DAY_QUERY, "events", "timestamp",
        7)) {
      assertThat(cursor.count()).hasValue(2);
      // A copy committed after the count: the select that deduplicates sees it, and drops it as later.
      RecordSources.insertReferenceRows(dataSource, TEAM, Model.EVENTS,
          List.of(row(2, "b later", "2026-11-20T04:00:00Z")));
      List<String> rows = new ArrayList<>();
      while (cursor.next()) {
        rows.add(cursor.getString(1));
      }
      assertThat(rows).containsExactly("a", "b");
    }
  }

  private static final SourceQuery DAY_QUERY = new SourceQuery(TEAM, Model.EVENTS,
      new TimeRange(Instant.parse("2026-11-20T00:00:00Z"), Instant.parse("2026-11-21T00:00:00Z")), List.of(),
      List.of());

  private static Map<String, Object> row(int n, String event, String time) {
    return Map.of("uuid", String.format("00000000-0000-0000-0000-%012d", n), "event", event, "timestamp",
        Instant.parse(time));
  }
}
