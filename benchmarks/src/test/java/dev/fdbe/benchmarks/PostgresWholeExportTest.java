package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * What {@link PostgresWholeExport} hands {@code psql} and {@code COPY}: the source's count with its
 * bound parameters written in, and values escaped for COPY's text format; the database it creates
 * when missing, and what the suite is told when the server cannot be reached. (The benchmark itself
 * needs a PostgreSQL database of its own and runs by hand or in the suite.)
 */
class PostgresWholeExportTest {
  @Test
  void writesTheBoundParametersIntoTheCountOutsideQuotes() {
    String count = PostgresWholeExport.withLiterals(
        "SELECT COUNT(*) FROM events e WHERE e.event <> '?' AND e.team_id = ? AND e.timestamp >= ? AND e.event = ?",
        Map.of(1, 1L, 2, OffsetDateTime.parse("2026-11-20T00:00Z"), 3, "it's"));

    assertThat(count).isEqualTo("SELECT COUNT(*) FROM events e WHERE e.event <> '?' AND e.team_id = 1"
        + " AND e.timestamp >= '2026-11-20T00:00Z'::timestamptz AND e.event = 'it''s'");
  }

  @Test
  void refusesACountWhoseParametersDoNotMatchItsPlaceholders() {
    assertThatThrownBy(() -> PostgresWholeExport.withLiterals("SELECT COUNT(*) FROM events WHERE team_id = ?",
        Map.of(1, 1L, 2, 2L))).hasMessageContaining("1 placeholders for 2 parameters");
    assertThatThrownBy(() -> PostgresWholeExport.withLiterals("SELECT COUNT(*) FROM events WHERE team_id = ?",
        Map.of(1, new Object()))).hasMessageContaining("no literal form");
  }

  @Test
  void escapesWhatCopysTextFormatGivesAMeaning() throws Exception {
    StringWriter text = new StringWriter();
    PostgresWholeExport.escape(text, "{\"a\":\"b\\\\c\"}\tx\ny\rz");

    assertThat(text.toString()).isEqualTo("{\"a\":\"b\\\\\\\\c\"}\\tx\\ny\\rz");
  }

  @Test
  void saysWhyWhenTheServerCannotBeReached() throws Exception {
    // Port 1 on the loopback: nothing listens there, the connection is refused at once.
    assertThat(PostgresWholeExport.unreachable("jdbc:postgresql://127.0.0.1:1/fdbe_benchpg?user=postgres"))
        .hasValueSatisfying(reason -> assertThat(reason)
            .startsWith("cannot connect to jdbc:postgresql://127.0.0.1:1/fdbe_benchpg?user=postgres ("));
  }

  @Test
  @Tag("postgres")
  void createsItsDatabaseWhenMissingAndThenReachesItWithPsql() throws Exception {
    String server = System.getenv("FDBE_TEST_POSTGRES_URL");
    assertThat(server).as("FDBE_TEST_POSTGRES_URL, for the postgres-tagged tests").isNotBlank();
    String name = "fdbe_bench_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    String url = server.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    PGSimpleDataSource admin = new PGSimpleDataSource();
    admin.setURL(url);
    try {
      assertThat(PostgresWholeExport.unreachable(url)).isEmpty();
      PostgresWholeExport.createDatabaseIfMissing(url); // there now: nothing to do

      try (Connection connection = admin.getConnection()) {
        assertThat(connection.getCatalog()).isEqualTo(name);
      }
    } finally {
      admin.setDatabaseName("postgres");
      try (Connection connection = admin.getConnection(); Statement statement = connection.createStatement()) {
        statement.execute("DROP DATABASE IF EXISTS " + name);
      }
    }
  }

  @Test
  void ratiosAreMediansOfThePerRoundRatios() {
    // Round 1 ran on a loaded machine: both its lines are slow. The median of the per-round ratios
    // is 1.0; the ratio of the medians would be 2.0.
    List<PostgresWholeExport.Measurement> rounds = List.of(
        measurement(PostgresWholeExport.PLAIN, 1, 4), measurement(PostgresWholeExport.SOURCE, 1, 4),
        measurement(PostgresWholeExport.PLAIN, 2, 1), measurement(PostgresWholeExport.SOURCE, 2, 2),
        measurement(PostgresWholeExport.PLAIN, 3, 1), measurement(PostgresWholeExport.SOURCE, 3, 1));

    assertThat(PostgresLines.ratio(rounds, PostgresWholeExport.SOURCE, PostgresWholeExport.PLAIN, true))
        .hasValue(new Ratio(1.0, 1.0, 2.0, 3));
    assertThat(PostgresLines.ratio(rounds, PostgresWholeExport.PLAIN, PostgresWholeExport.SOURCE, false))
        .as("rows/s over rows/s is the inverse of time over time")
        .hasValue(new Ratio(1.0, 1.0, 2.0, 3));
    assertThat(PostgresLines.ratio(rounds, "export CSV", PostgresWholeExport.SOURCE, false)).isEmpty();
  }

  @Test
  void cpuRatiosLeaveOutRoundsWithoutAReading() {
    List<PostgresWholeExport.Measurement> rounds = List.of(
        withCpu(PostgresWholeExport.SOURCE, 1, 2.0), withCpu("export CSV", 1, 4.0),
        withCpu(PostgresWholeExport.SOURCE, 2, -1), withCpu("export CSV", 2, 9.0),
        withCpu(PostgresWholeExport.SOURCE, 3, 2.0), withCpu("export CSV", 3, 5.0));

    assertThat(PostgresLines.cpuRatio(rounds, "export CSV", PostgresWholeExport.SOURCE))
        .hasValue(new Ratio(2.25, 2.0, 2.5, 2));
    assertThat(PostgresLines.cpuRatio(rounds, "export JSONLines", PostgresWholeExport.SOURCE)).isEmpty();
  }

  @Test
  void theMachinesBusyTimeIsEverythingButIdleAndWaiting() {
    // user nice system idle iowait irq softirq steal guest guest_nice, in hundredths of a second;
    // guest time is inside user and nice already, steal is another machine's
    assertThat(MachineCpu.busySeconds("cpu  1000 20 300 90000 700 5 15 60 400 10")).isEqualTo(13.4);
    assertThat(MachineCpu.busySeconds("cpu0 1000 20 300 90000 700 5 15 60 0 0")).as("one core's line").isEqualTo(-1);
    assertThat(MachineCpu.busySeconds("cpu 1 2 3 4 5 6")).as("too few fields").isEqualTo(-1);
    assertThat(MachineCpu.between(10.0, 12.5)).isEqualTo(2.5);
    assertThat(MachineCpu.between(-1, 12.5)).isEqualTo(-1);
  }

  private static PostgresWholeExport.Measurement withCpu(String name, int round, double cpuSeconds) {
    return new PostgresWholeExport.Measurement(name, round, 1_000, 1, 1_000, 0, 1.0, cpuSeconds);
  }

  private static PostgresWholeExport.Measurement measurement(String name, int round, double seconds) {
    return new PostgresWholeExport.Measurement(name, round, 1_000, seconds, 1_000 / seconds, 0, 1.0, -1);
  }
}
