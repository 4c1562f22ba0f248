package dev.fdbe.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.ExportException;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.SourceQuery;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each event uuid is exported once, the earliest row by time, {@code _inserted_at}, then event,
 * whether the cursor skips the copies it listed ({@link UuidCopies}) or, past the cap, reads the
 * select that deduplicates in the database: exact copies, copies at the same time, a null
 * {@code _inserted_at}, filters that exclude the earliest copy, and later slices of a run. Every
 * cursor of the database returns the same rows, and their count is of those rows. One subclass per
 * database: {@link H2EventCopiesTest}, {@link PostgresEventCopiesTest}.
 */
abstract class EventCopiesContract {
  static final TeamId TEAM = TeamId.of(3);
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
  private static final TimeRange WHOLE = new TimeRange(DAY, DAY.plus(Duration.ofDays(1)));
  private static final TimeRange AFTERNOON = new TimeRange(DAY.plus(Duration.ofHours(12)), WHOLE.end());

  private DataSource dataSource;

  /** A database of its own for the test, empty. */
  abstract DataSource createDatabase();

  /** Drops what {@link #createDatabase} made. */
  abstract void dropDatabase();

  /** The cursors of the database over the query, each on a connection of {@code dataSource}. */
  abstract List<RecordCursor> cursors(DataSource dataSource, DataSource countConnections, SourceQuery query)
      throws SQLException;

  /**
   * Inserts {@code uuids} events of {@link #TEAM} on the day, each twice: named 'first' at
   * {@code i} seconds, then 'later' an hour after.
   */
  abstract void insertCopiedUuids(Statement statement, int uuids) throws SQLException;

  @BeforeEach
  void createTables() {
    dataSource = createDatabase();
    RecordSources.createReferenceTables(dataSource);
  }

  @AfterEach
  void drop() {
    dropDatabase();
  }

  /** An event of uuid {@code ...0<n>} named {@code event}, {@code hours} into the day. */
  private static Map<String, Object> event(int n, String event, double hours, Instant insertedAt) {
    Map<String, Object> row = new HashMap<>();
    row.put("uuid", String.format("00000000-0000-0000-0000-%012d", n));
    row.put("event", event);
    row.put("timestamp", DAY.plusSeconds((long) (hours * 3600)));
    row.put("_inserted_at", insertedAt);
    return row;
  }

  private static Map<String, Object> event(int n, String event, double hours) {
    return event(n, event, hours, DAY.plus(Duration.ofDays(2)));
  }

  private void insert(List<Map<String, Object>> rows) {
    RecordSources.insertReferenceRows(dataSource, TEAM, Model.EVENTS, rows);
  }

  /**
   * The rows of the query as {@code n:event}, after checking every cursor read the same and counted
   * what it read, whether it counted before reading, after, or on another thread while it read (the
   * list of copies then runs on whichever thread asks first, and the other waits for it).
   */
  private List<String> exported(SourceQuery query) throws SQLException {
    List<String> first = null;
    ExecutorService counting = Executors.newSingleThreadExecutor();
    try {
      for (CountedWhen when : CountedWhen.values()) {
        for (RecordCursor cursor : cursors(dataSource, dataSource, query)) {
          try (cursor) {
            List<String> rows = readCounted(cursor, when, counting);
            if (first == null) {
              first = rows;
            } else {
              assertThat(rows).as("rows of %s counted %s", cursor, when).containsExactlyElementsOf(first);
            }
          }
        }
      }
    } finally {
      counting.shutdownNow();
    }
    return first;
  }

  private enum CountedWhen { BEFORE_READING, AFTER_READING, WHILE_READING }

  private static List<String> readCounted(RecordCursor cursor, CountedWhen when, ExecutorService counting) {
    Future<OptionalLong> count = when == CountedWhen.WHILE_READING ? counting.submit(cursor::count) : null;
    long counted = when == CountedWhen.BEFORE_READING ? cursor.count().orElseThrow() : -1;
    List<String> rows = new ArrayList<>();
    while (cursor.next()) {
      rows.add(Long.parseLong(cursor.getString(0).substring(24)) + ":" + cursor.getString(1));
    }
    if (when == CountedWhen.AFTER_READING) {
      counted = cursor.count().orElseThrow();
    } else if (count != null) {
      try {
        counted = count.get(60, TimeUnit.SECONDS).orElseThrow();
      } catch (Exception e) {
        throw new AssertionError("the count beside the read failed", e);
      }
    }
    assertThat(counted).as("count of %s, counted %s", rows, when).isEqualTo(rows.size());
    return rows;
  }

  private static SourceQuery query(TimeRange interval, List<String> include, List<String> exclude) {
    return new SourceQuery(TEAM, Model.EVENTS, interval, include, exclude);
  }

  @Test
  void eachUuidIsExportedOnceAsItsEarliestRow() throws SQLException {
    Instant early = DAY.plus(Duration.ofDays(1));
    insert(List.of(
        event(1, "a", 1), event(1, "a", 1), event(1, "later", 5), // an exact copy and a later one
        event(2, "single", 2),
        event(3, "late", 9, early), event(3, "first", 3), // the earlier comes second in the table
        event(4, "second", 4), event(4, "first", 4, early), // at the same time: the earlier _inserted_at
        event(5, "null", 6, null), event(5, "set", 6), // a null _inserted_at comes after a set one
        event(6, "b", 7), event(6, "a", 7), // identical but in the event: the first by name
        event(7, "before", -1), event(7, "inside", 8))); // the earliest copy is before the interval
    assertThat(exported(query(WHOLE, List.of(), List.of())))
        .containsExactly("1:a", "2:single", "3:first", "4:first", "5:set", "6:a", "7:inside");
  }

  @Test
  void aFilterThatExcludesTheEarliestCopyExportsNoneOfItsUuid() throws SQLException {
    insert(List.of(event(1, "$identify", 1), event(1, "$pageview", 2), event(2, "$pageview", 3),
        event(2, "$identify", 4), event(3, "$pageview", 5), event(3, "$pageview", 5)));
    assertThat(exported(query(WHOLE, List.of("$pageview"), List.of()))).containsExactly("2:$pageview", "3:$pageview");
    assertThat(exported(query(WHOLE, List.of(), List.of("$identify")))).containsExactly("2:$pageview", "3:$pageview");
    assertThat(exported(query(WHOLE, List.of("$identify"), List.of()))).containsExactly("1:$identify");
  }

  @Test
  void rowsInsertedAfterTheListAreNotRead() throws SQLException {
    insert(List.of(event(1, "a", 1), event(2, "b", 2), event(2, "b later", 3)));
    List<RecordCursor> opened = cursors(dataSource, dataSource, query(WHOLE, List.of(), List.of()));
    opened.subList(1, opened.size()).forEach(RecordCursor::close);
    try (RecordCursor cursor = opened.get(0)) {
      assertThat(cursor.count()).as("counted by the list, which ran now").hasValue(2);
      // A copy of a uuid the list saw once, and a new uuid: the select reads the list's snapshot, without either.
      insert(List.of(event(1, "a later copy", 4), event(3, "new", 5)));
      List<String> rows = new ArrayList<>();
      while (cursor.next()) {
        rows.add(Long.parseLong(cursor.getString(0).substring(24)) + ":" + cursor.getString(1));
      }
      assertThat(rows).containsExactly("1:a", "2:b");
    }
  }

  @Test
  void aLaterSliceSkipsUuidsOfEarlierSlices() throws SQLException {
    insert(List.of(event(1, "morning", 1), event(1, "afternoon", 13), event(1, "afternoon", 14),
        event(2, "afternoon", 15), event(2, "afternoon", 15), event(2, "later", 16),
        event(3, "afternoon", 17)));
    SourceQuery slice = new SourceQuery(TEAM, Model.EVENTS, AFTERNOON, List.of(), List.of(), WHOLE.start());
    assertThat(exported(slice)).containsExactly("2:afternoon", "3:afternoon");
    assertThat(exported(query(AFTERNOON, List.of(), List.of())))
        .containsExactly("1:afternoon", "2:afternoon", "3:afternoon");
  }

  @Test
  void aLaterSliceSkipsUuidsOfEarlierSlicesWhateverItsFilter() throws SQLException {
    insert(List.of(event(1, "$identify", 1), event(1, "$pageview", 13), // earliest in an earlier slice, filtered out
        event(2, "$pageview", 2), event(2, "$pageview", 2), // only in the earlier slice
        event(3, "$pageview", 14), event(3, "$pageview", 14), event(3, "$identify", 15), // copies inside the slice
        event(4, "$identify", 16), event(4, "$pageview", 17))); // earliest inside the slice, filtered out
    SourceQuery slice = new SourceQuery(TEAM, Model.EVENTS, AFTERNOON, List.of("$pageview"), List.of(), WHOLE.start());
    assertThat(exported(slice)).containsExactly("3:$pageview");
  }

  @Test
  void aLaterSliceFarFromItsRunsStartIsDeduplicatedAlike() throws SQLException {
    // 23 hours of earlier slices before a slice of one: on H2 beyond what the list streams, looked up per row.
    TimeRange lastHour = new TimeRange(DAY.plus(Duration.ofHours(23)), WHOLE.end());
    insert(List.of(event(1, "early", 0.5), event(1, "late", 23.2), event(2, "a", 23.3), event(2, "a", 23.3),
        event(3, "first", 23.4), event(3, "second", 23.6), event(4, "early only", 10), event(4, "early only", 11)));
    SourceQuery slice = new SourceQuery(TEAM, Model.EVENTS, lastHour, List.of(), List.of(), WHOLE.start());
    assertThat(exported(slice)).containsExactly("2:a", "3:first");
  }

  @Test
  void aLaterSliceIsCountedByItsListWhereItListsTheEarlierSlices() throws SQLException {
    insert(List.of(event(1, "morning", 1), event(1, "afternoon", 13), event(2, "morning", 2), event(2, "morning", 3),
        event(3, "afternoon", 14), event(3, "afternoon", 14), event(4, "afternoon", 15)));
    SourceQuery slice = new SourceQuery(TEAM, Model.EVENTS, AFTERNOON, List.of(), List.of(), WHOLE.start());
    DataSource counts = listsEarlierSlices() ? noCountConnections() : dataSource;
    for (RecordCursor cursor : cursors(dataSource, counts, slice)) {
      try (cursor) {
        assertThat(cursor.count()).as("count of %s", cursor).hasValue(2);
        List<String> rows = new ArrayList<>();
        while (cursor.next()) {
          rows.add(Long.parseLong(cursor.getString(0).substring(24)) + ":" + cursor.getString(1));
        }
        assertThat(rows).containsExactly("3:afternoon", "4:afternoon");
      }
    }
  }

  /** Whether a later slice's list of copies covers the earlier slices and counts, as on H2. */
  abstract boolean listsEarlierSlices();

  @Test
  void thousandsOfCopiedUuidsAmongThousandsOfSinglesAreEachExportedOnce() throws SQLException {
    int copied = 3_000;
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      insertCopiedUuids(statement, copied); // uuid n 'first' at n seconds, 'later' an hour after
    }
    List<Map<String, Object>> singles = new ArrayList<>();
    for (int n = copied + 1; n <= 2 * copied; n++) {
      singles.add(event(n, "single", 2 + (n - copied) / 1000.0));
    }
    insert(singles);
    List<String> rows = exported(query(WHOLE, List.of(), List.of()));
    assertThat(rows).hasSize(2 * copied);
    for (int n = 1; n <= 2 * copied; n++) {
      assertThat(rows.get(n - 1)).isEqualTo(n + (n <= copied ? ":first" : ":single"));
    }
  }

  @Test
  void moreCopiedUuidsThanTheCapAreDeduplicatedInTheDatabase() throws SQLException {
    int uuids = UuidCopies.CAP + 1;
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      insertCopiedUuids(statement, uuids);
      // One of them once more, exactly as its first.
      statement.execute("INSERT INTO events SELECT * FROM events WHERE uuid = '00000000-0000-0000-0000-000000000007'"
          + " AND event = 'first'");
    }
    // Copies that differ only past their time, after all the others: the database breaks the ties as the list does.
    insert(List.of(event(uuids + 1, "b", 23), event(uuids + 1, "a", 23),
        event(uuids + 2, "null", 23.5, null), event(uuids + 2, "set", 23.5),
        event(uuids + 3, "second", 23.7), event(uuids + 3, "first", 23.7, DAY.plus(Duration.ofDays(1)))));
    List<String> rows = exported(query(WHOLE, List.of(), List.of()));
    assertThat(rows).hasSize(uuids + 3);
    assertThat(rows.subList(0, uuids)).allMatch(row -> row.endsWith(":first"));
    assertThat(rows.subList(0, 3)).containsExactly("1:first", "2:first", "3:first");
    assertThat(rows.subList(uuids, uuids + 3)).containsExactly((uuids + 1) + ":a", (uuids + 2) + ":set",
        (uuids + 3) + ":first");
    assertThat(exported(query(WHOLE, List.of("later"), List.of()))).isEmpty();
  }
  @Test
  void aLaterSliceWithMoreCopiedUuidsThanTheCapIsDeduplicatedInTheDatabase() throws SQLException {
    int uuids = UuidCopies.CAP + 1;
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
      insertCopiedUuids(statement, uuids); // uuid n 'first' at n seconds into the day, 'later' an hour after
    }
    // Uuids of the slice that an earlier slice, the day before, exported: one with its copy inside the slice.
    insert(List.of(event(uuids + 1, "the day before", -5), event(uuids + 1, "again", 23),
        event(uuids + 2, "single", 23.5), event(7, "the day before", -1)));
    SourceQuery slice = new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of(), DAY.minus(Duration.ofDays(1)));
    List<String> rows = exported(slice);
    assertThat(rows).hasSize(uuids);
    assertThat(rows.subList(0, 6)).containsExactly("1:first", "2:first", "3:first", "4:first", "5:first", "6:first");
    assertThat(rows).doesNotContain("7:first", (uuids + 1) + ":again").contains((uuids + 2) + ":single")
        .noneMatch(row -> row.endsWith(":later"));
  }

  /** A data source that refuses every connection: a count that needs a connection of its own fails. */
  private static DataSource noCountConnections() {
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
        (proxy, method, args) -> {
          throw new SQLException("the count took a connection of its own");
        });
  }

  @Test
  void withoutFiltersTheListOfCopiesCountsAndNoCountStatementRuns() throws SQLException {
    insert(List.of(event(1, "a", 1), event(1, "a", 1), event(1, "later", 5), event(2, "single", 2),
        event(3, "b", 3), event(3, "c", 4), event(3, "d", 5)));
    for (RecordCursor cursor : cursors(dataSource, noCountConnections(), query(WHOLE, List.of(), List.of()))) {
      try (cursor) {
        assertThat(cursor.count()).as("count of %s", cursor).hasValue(3);
        int rows = 0;
        while (cursor.next()) {
          rows++;
        }
        assertThat(rows).isEqualTo(3);
        assertThat(cursor.count()).as("asked again").hasValue(3);
      }
    }
  }

  @Test
  void anIntervalWithoutCopiesIsCountedByTheListToo() throws SQLException {
    insert(List.of(event(1, "a", 1), event(2, "b", 2)));
    SourceQuery empty = query(new TimeRange(DAY.minus(Duration.ofDays(2)), DAY), List.of(), List.of());
    for (RecordCursor cursor : cursors(dataSource, noCountConnections(), query(WHOLE, List.of(), List.of()))) {
      try (cursor) {
        assertThat(cursor.next()).isTrue();
        assertThat(cursor.count()).hasValue(2);
      }
    }
    for (RecordCursor cursor : cursors(dataSource, noCountConnections(), empty)) {
      try (cursor) {
        assertThat(cursor.count()).hasValue(0);
        assertThat(cursor.next()).isFalse();
      }
    }
  }

  @Test
  void theCountOnAnotherThreadAndTheReadListOnceBetweenThem() throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int n = 1; n <= 300; n++) {
      rows.add(event(n, "e", n / 20.0));
      if (n % 7 == 0) {
        rows.add(event(n, "copy", n / 20.0 + 1));
      }
    }
    insert(rows);
    ExecutorService counting = Executors.newSingleThreadExecutor();
    try {
      for (int round = 0; round < 5; round++) {
        for (RecordCursor cursor : cursors(dataSource, noCountConnections(), query(WHOLE, List.of(), List.of()))) {
          try (cursor) {
            Future<OptionalLong> count = counting.submit(cursor::count);
            int read = 0;
            while (cursor.next()) {
              assertThat(cursor.getString(1)).isEqualTo("e");
              read++;
            }
            assertThat(read).isEqualTo(300);
            assertThat(count.get(30, TimeUnit.SECONDS)).hasValue(300);
          }
        }
      }
    } finally {
      counting.shutdownNow();
    }
  }

  @Test
  void aCursorClosedBeforeItListedCountsNoMore() throws SQLException {
    insert(List.of(event(1, "a", 1), event(1, "a", 2)));
    for (RecordCursor cursor : cursors(dataSource, noCountConnections(), query(WHOLE, List.of(), List.of()))) {
      cursor.close();
      assertThatThrownBy(cursor::count).isInstanceOf(ExportException.class).hasMessage("counting was cancelled");
    }
  }
}
