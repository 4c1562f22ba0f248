package dev.fdbe.internal.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.ExportException;
import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.RecordSource;
import dev.fdbe.spi.SourceQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A source's count is of exactly the rows its cursor then returns: same interval, filters and
 * event deduplication (identical copies, later copies, copies in an earlier slice), for every model;
 * the in-memory source, which selects as the JDBC one does, counts the same. Run on H2 and PostgreSQL.
 */
abstract class SourceCountContractTest {
  private static final TeamId TEAM = TeamId.of(1);
  private static final TeamId OTHER = TeamId.of(2);
  private static final Instant DAY = Instant.parse("2026-11-20T00:00:00Z");
  private static final TimeRange WHOLE = new TimeRange(DAY, DAY.plus(Duration.ofDays(1)));
  private static final TimeRange AFTERNOON = new TimeRange(DAY.plus(Duration.ofHours(12)), WHOLE.end());
  private static final List<String> NAMES = List.of("$pageview", "$identify", "signup", "$autocapture");

  private RecordSource jdbc;
  private final InMemoryRecordSource memory = new InMemoryRecordSource();

  /** A new, empty database for one test. */
  protected abstract DataSource database();

  @BeforeEach
  void createTables() {
    DataSource dataSource = database();
    RecordSources.createReferenceTables(dataSource);
    jdbc = RecordSources.jdbcBuilder(dataSource).fetchSize(50).build();
    for (Model model : Model.values()) {
      insert(dataSource, TEAM, model, rows(TEAM, model, 300));
      insert(dataSource, OTHER, model, rows(OTHER, model, 40));
    }
  }

  private void insert(DataSource dataSource, TeamId team, Model model, List<Map<String, Object>> rows) {
    RecordSources.insertReferenceRows(dataSource, team, model, rows);
    memory.addAll(team, model, rows);
  }

  /**
   * Rows spread over the day and the hour on either side of it; for events, with identical copies,
   * copies later the same day (some after noon, so that the afternoon slice must skip them) and
   * copies under other names.
   */
  private static List<Map<String, Object>> rows(TeamId team, Model model, int count) {
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant at = DAY.minus(Duration.ofHours(1)).plus(Duration.ofMinutes(5L * i + 1));
      Map<String, Object> row = new HashMap<>();
      String key = UUID.nameUUIDFromBytes((team + "-" + model + "-" + i).getBytes()).toString();
      row.put(model.defaultTimeColumn(), at);
      row.put("_inserted_at", at);
      switch (model) {
        case EVENTS -> {
          row.put("uuid", key);
          row.put("event", NAMES.get(i % NAMES.size()));
        }
        case PERSONS -> {
          row.put("team_id", team.value());
          row.put("distinct_id", "d-" + i);
          row.put("person_id", key);
        }
        case SESSIONS -> {
          row.put("team_id", team.value());
          row.put("session_id", key);
        }
        default -> throw new IllegalStateException("unknown model " + model);
      }
      rows.add(row);
      if (model == Model.EVENTS && i % 7 == 0) {
        rows.add(new HashMap<>(row));
        Map<String, Object> later = new HashMap<>(row);
        later.put("timestamp", at.plus(Duration.ofHours(i % 2 == 0 ? 9 : 2)));
        later.put("_inserted_at", at.plus(Duration.ofHours(10)));
        later.put("event", NAMES.get((i + 1) % NAMES.size()));
        rows.add(later);
      }
    }
    return rows;
  }

  private static long read(RecordCursor cursor) {
    long rows = 0;
    while (cursor.next()) {
      rows++;
    }
    return rows;
  }

  private void assertCountIsWhatIsRead(SourceQuery query) {
    long counted;
    long read;
    try (RecordCursor cursor = jdbc.open(query)) {
      counted = cursor.count().orElseThrow();
      read = read(cursor);
    }
    long inMemory;
    try (RecordCursor cursor = memory.open(query)) {
      inMemory = cursor.count().orElseThrow();
      assertThat(read(cursor)).isEqualTo(inMemory);
    }
    assertThat(counted).as("count of %s", query).isEqualTo(read).isEqualTo(inMemory).isPositive();
  }

  @Test
  void eachModelCountsTheRowsOfItsInterval() {
    for (Model model : Model.values()) {
      assertCountIsWhatIsRead(new SourceQuery(TEAM, model, WHOLE, List.of(), List.of()));
    }
  }

  @Test
  void eventsCountOnceEachWithTheFiltersAndTheSlicesOfARun() {
    assertCountIsWhatIsRead(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of("$pageview", "signup"), List.of()));
    assertCountIsWhatIsRead(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of("$identify")));
    assertCountIsWhatIsRead(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of("$pageview", "$identify"),
        List.of("$identify")));
    assertCountIsWhatIsRead(new SourceQuery(TEAM, Model.EVENTS, AFTERNOON, List.of(), List.of(), WHOLE.start()));
    assertCountIsWhatIsRead(new SourceQuery(TEAM, Model.EVENTS, AFTERNOON, List.of("signup"), List.of(),
        WHOLE.start()));
  }

  @Test
  void anIntervalWithoutRowsCountsZero() {
    SourceQuery query = new SourceQuery(TEAM, Model.EVENTS, new TimeRange(DAY.minus(Duration.ofDays(3)),
        DAY.minus(Duration.ofDays(2))), List.of(), List.of());
    try (RecordCursor cursor = jdbc.open(query)) {
      assertThat(cursor.count()).isEqualTo(OptionalLong.of(0));
      assertThat(cursor.next()).isFalse();
    }
  }

  @Test
  void theInMemoryCursorCountsBeforeReading() {
    try (RecordCursor cursor = memory.open(new SourceQuery(TEAM, Model.PERSONS, WHOLE, List.of(), List.of()))) {
      assertThat(cursor.countsConcurrently()).isFalse();
      assertThat(cursor.next()).isTrue();
      assertThatThrownBy(cursor::count).isInstanceOf(IllegalStateException.class)
          .hasMessage("count() must come before the first next()");
    }
  }

  @Test
  void theJdbcCursorCountsOnAnotherThreadWhileItsRowsAreRead() throws Exception {
    SourceQuery query = new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of());
    long expected;
    try (RecordCursor cursor = memory.open(query)) {
      expected = cursor.count().orElseThrow();
    }
    try (RecordCursor cursor = jdbc.open(query)) {
      assertThat(cursor.countsConcurrently()).isTrue();
      assertThat(cursor.next()).isTrue();
      // The read's result set is open on the cursor's connection while another thread counts.
      java.util.concurrent.FutureTask<OptionalLong> count = new java.util.concurrent.FutureTask<>(cursor::count);
      Thread counter = new Thread(count, "count-beside-read");
      counter.start();
      long read = 1 + read(cursor);
      assertThat(count.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(OptionalLong.of(expected));
      assertThat(read).isEqualTo(expected);
    }
  }

  @Test
  void closingTheJdbcCursorStopsItsCount() {
    try (RecordCursor cursor = jdbc.open(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of()))) {
      cursor.close();
      assertThatThrownBy(cursor::count).isInstanceOfSatisfying(ExportException.class, e -> {
        assertThat(e).hasMessage("counting was cancelled");
        assertThat(e.isRetryable()).isFalse();
      });
    }
  }

  @Test
  void aCancelledCountFailsAsCancelled() {
    for (RecordSource source : List.of(jdbc, memory)) {
      try (RecordCursor cursor = source.open(new SourceQuery(TEAM, Model.EVENTS, WHOLE, List.of(), List.of()))) {
        cursor.cancel();
        assertThatThrownBy(cursor::count).isInstanceOfSatisfying(ExportException.class, e -> {
          assertThat(e).hasMessage("counting was cancelled");
          assertThat(e.isRetryable()).isFalse();
        });
      }
    }
  }
}
