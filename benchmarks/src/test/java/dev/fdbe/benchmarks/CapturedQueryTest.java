package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.Model;
import dev.fdbe.RecordSources;
import dev.fdbe.RunStores;
import dev.fdbe.TeamId;
import dev.fdbe.TimeRange;
import dev.fdbe.spi.RecordCursor;
import dev.fdbe.spi.SourceQuery;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcConnectionPool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The source's select is captured through a recording data source and read again plainly. */
class CapturedQueryTest {
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private DataSource dataSource;

  @BeforeEach
  void seed() throws Exception {
    dataSource = RunStores.h2DataSource("jdbc:h2:mem:captured-" + System.nanoTime());
    WholeExport.seed(dataSource, 1_000, Duration.ofDays(1));
  }

  @AfterEach
  void dispose() {
    ((JdbcConnectionPool) dataSource).dispose();
  }

  @Test
  void theReplayRunsTheStatementsTheSourceRanAndReadsTheRowsOfItsSelect() throws Exception {
    // A copy of the first event, an hour later: the source lists it, looks it up, and drops it as it reads.
    String first;
    try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
        ResultSet earliest = statement.executeQuery("SELECT uuid FROM events ORDER BY timestamp LIMIT 1")) {
      earliest.next();
      first = earliest.getString(1);
    }
    RecordSources.insertReferenceRows(dataSource, TeamId.of(1), Model.EVENTS,
        List.of(Map.of("uuid", first, "event", "copy", "timestamp", START.plus(Duration.ofHours(1)))));
    CapturedQuery.Recorder recorder = CapturedQuery.recording(dataSource);
    // Half the interval: the replay must take the source's parameters, not read the whole table.
    SourceQuery query = new SourceQuery(TeamId.of(1), Model.EVENTS, new TimeRange(START, START.plus(Duration.ofHours(12))),
        List.of(), List.of());
    long read = 0;
    try (RecordCursor cursor = RecordSources.jdbc(recorder.dataSource()).open(query)) {
      assertThat(cursor.count()).hasValue(500);
      while (cursor.next()) {
        read++;
      }
    }

    List<CapturedQuery.Session> sessions = recorder.take();

    assertThat(read).isEqualTo(500);
    assertThat(sessions).as("the read's connection only: the list of copies counts").singleElement()
        .satisfies(session -> {
          List<CapturedQuery.Prepared> ran = session.steps().stream().filter(CapturedQuery.Ran.class::isInstance)
              .map(step -> ((CapturedQuery.Ran) step).prepared()).toList();
          CapturedQuery.Prepared select = session.select(EventRows.COLUMNS);
          assertThat(ran).as("the interval's uuids, the lookup of the copied one, then the select").hasSize(3)
              .last().isSameAs(select);
          assertThat(ran.get(0).sql()).startsWith("SELECT e.uuid FROM");
          assertThat(session.summary()).as("runs named by their SQL, without their parameters")
              .contains("ran SELECT e.uuid FROM").doesNotContain("setObject");
          assertThat(select.settings()).filteredOn(CapturedQuery.Call.class::isInstance)
              .extracting(call -> ((CapturedQuery.Call) call).method().getName()).contains("setFetchSize", "setObject");
          assertThat(select.settings()).extracting(String::valueOf).last().isEqualTo("executeQuery");
          // The plain select returns the copy as well, which the source's cursor dropped.
          assertThat(CapturedQuery.replay(dataSource, session, select)).isEqualTo(501);
        });
    assertThat(recorder.take()).as("taken sessions are forgotten").isEmpty();
  }

  @Test
  void aSessionWithoutTheSelectIsRefusedByName() throws Exception {
    CapturedQuery.Recorder recorder = CapturedQuery.recording(dataSource);
    try (Connection connection = recorder.dataSource().getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1");
    }

    CapturedQuery.Session session = recorder.take().get(0);

    assertThat(session.steps()).containsExactly(new CapturedQuery.Executed("SELECT 1"));
    assertThatThrownBy(() -> session.select(EventRows.COLUMNS)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one select of the columns [uuid, event,").hasMessageContaining("found 0");
  }
}
