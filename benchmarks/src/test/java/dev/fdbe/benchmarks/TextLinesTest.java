package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The text writers' target against DuckDB from {@link TextWritersVsDuckDb}' alternating rounds. */
class TextLinesTest {
  @TempDir
  Path directory;

  /** JMH lines that, were they judged, would say otherwise than the rounds for JSON Lines. */
  private static final List<Report.WriterLine> WRITERS = List.of(
      new Report.WriterLine(FileFormat.JSON_LINES, Compression.NONE, 100, 1e7, null, null, 100.0, 200.0, 1000.0),
      new Report.WriterLine(FileFormat.CSV, Compression.NONE, 160, 1e7, null, null, 100.0, 200.0, 1000.0),
      new Report.WriterLine(FileFormat.CSV, Compression.ZSTD, 10, 1e7, null, null, 100.0, null, 1000.0));

  /** JSON Lines: per-round ratios 1.4, 2.0, 1.6 (median 1.6); the rates' medians alone would say 1.43. */
  private static List<TextWritersVsDuckDb.Round> rounds() {
    return List.of(
        new TextWritersVsDuckDb.Round(FileFormat.JSON_LINES, 1, 140, 100),
        new TextWritersVsDuckDb.Round(FileFormat.JSON_LINES, 2, 100, 50),
        new TextWritersVsDuckDb.Round(FileFormat.JSON_LINES, 3, 200, 125));
  }

  @Test
  void theRoundsJudgeAFormatTheyMeasuredAndItsJmhLineOnlyAnother() {
    List<Report.Target> targets = TextLines.targets(WRITERS, rounds());

    assertThat(targets).extracting(Report.Target::name, Report.Target::met).containsExactly(
        tuple("JSONLines none ≥ 1.5× DuckDB COPY (1 thread) (median of 3 alternating rounds)", true),
        tuple("CSV none ≥ 1.5× DuckDB COPY (1 thread)", true));
    assertThat(targets.get(0).figures()).isEqualTo("1.60× (1.40–2.00)");
    assertThat(targets.get(1).figures()).as("no rounds for CSV: its JMH line").isEqualTo("160 vs 100 rows/s (160%)");
    assertThat(TextLines.targets(WRITERS, List.of())).extracting(Report.Target::met).containsExactly(false, true);
  }

  @Test
  void theRoundsAreTabledWrittenAndReadBack() throws Exception {
    Report report = new Report("2 cores", "benchmarks/run --only text", 60, List.of(), List.of(), rounds(), List.of(),
        List.of(), List.of(), null, List.of(),
        Report.targets(List.of(), List.of(), rounds(), List.of(), List.of(), List.of(), List.of()));

    report.write(directory);

    String markdown = Files.readString(directory.resolve("latest.md"));
    assertThat(markdown).contains("Text writers, uncompressed, alternating with DuckDB in one JVM")
        .contains("\n| JSONLines | 3 | 140 | 100 | 1.60× (1.40–2.00) |\n")
        .contains("met: JSONLines none ≥ 1.5× DuckDB COPY (1 thread) (median of 3 alternating rounds) — 1.60×"
            + " (1.40–2.00)");
    assertThat(TextLines.markdown(List.of())).isEmpty();
    Report read = Report.read(directory.resolve("latest.json"));
    assertThat(read.textRounds()).isEqualTo(rounds());
    assertThat(read.markdown()).isEqualTo(markdown);
  }
}
