package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.time.OffsetDateTime;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What {@link PostgresWholeExport} hands {@code psql} and {@code COPY}: the source's count with its
 * bound parameters written in, and values escaped for COPY's text format. (The benchmark itself
 * needs a PostgreSQL database of its own and runs by hand.)
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
}
