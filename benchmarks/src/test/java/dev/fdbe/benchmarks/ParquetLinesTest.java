package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Parquet writer's targets and table from {@link ParquetVsPeers}' alternating rounds. */
class ParquetLinesTest {
  @TempDir
  Path directory;

  /** JMH lines that, were they judged, would say otherwise than the rounds for none and zstd. */
  private static final List<Report.WriterLine> WRITERS = List.of(
      new Report.WriterLine(FileFormat.PARQUET, Compression.NONE, 100, 1e7, 200.0, ParquetLines.AVRO, 300.0, 400.0,
          1000.0),
      new Report.WriterLine(FileFormat.PARQUET, Compression.ZSTD, 300, 1e7, 100.0, ParquetLines.AVRO, 100.0, 400.0,
          1000.0),
      new Report.WriterLine(FileFormat.PARQUET, Compression.GZIP, 90, 1e7, 100.0, ParquetLines.AVRO, null, null,
          1000.0),
      new Report.WriterLine(FileFormat.JSON_LINES, Compression.NONE, 100, 1e7, 101.0, "Jackson", 60.0, 200.0,
          1000.0));

  @Test
  void theRoundsJudgeTheParquetTargetsByTheMedianOfTheirPerRoundRatios() {
    List<Report.Target> targets = Report.targets(WRITERS, rounds(), List.of(), List.of(), List.of(), List.of(), List.of());

    assertThat(targets).extracting(Report.Target::name, Report.Target::met).containsExactly(
        tuple("Parquet none writer ≥ AvroParquetWriter + GenericRecord (median of 3 alternating rounds)", true),
        tuple("Parquet zstd writer ≥ AvroParquetWriter + GenericRecord (median of 5 alternating rounds)", false),
        tuple("Parquet gzip writer ≥ AvroParquetWriter + GenericRecord", false),
        tuple("Parquet brotli writer ≥ AvroParquetWriter + GenericRecord (median of 2 alternating rounds)", true),
        tuple("Parquet none ≥ 0.8× DuckDB COPY (1 thread) (median of 3 alternating rounds)", true),
        tuple("Parquet zstd ≥ 0.8× DuckDB COPY (1 thread) (median of 5 alternating rounds)", false),
        tuple("JSONLines none writer ≥ Jackson", false),
        tuple("JSONLines none ≥ 1.5× DuckDB COPY (1 thread)", true));
    // zstd: the medians, 210 vs 200 rows/s, would meet the target; the per-round ratios' median misses it.
    assertThat(targets.get(1).figures()).isEqualTo("0.97× (0.50–2.10)");
    assertThat(targets.get(0).figures()).isEqualTo("1.10× (0.83–1.11)");
    assertThat(targets.get(2).figures()).as("gzip has no rounds: its JMH line").isEqualTo("90 vs 100 rows/s (90%)");
    assertThat(targets.get(4).figures()).isEqualTo("0.88× (0.83–0.91)");
    assertThat(targets.get(5).figures()).isEqualTo("0.75× (0.75–0.80)");
  }

  @Test
  void theTableHasPerCodecMediansAndRatios() {
    String markdown = ParquetLines.markdown(rounds());

    assertThat(markdown).contains("| compression | rounds | fdbe | AvroParquetWriter + GenericRecord | DuckDB COPY 1"
        + " thread | fdbe ÷ Avro | fdbe ÷ DuckDB 1 thread |")
        .contains("\n| none | 3 | 200 | 180 | 240 | 1.10× (0.83–1.11) | 0.88× (0.83–0.91) |\n")
        .contains("\n| zstd | 5 | 210 | 200 | 280 | 0.97× (0.50–2.10) | 0.75× (0.75–0.80) |\n")
        .contains("\n| brotli | 2 | 55 | 44 | – | 1.25× (1.25–1.25) | – |\n");
    assertThat(ParquetLines.markdown(List.of())).isEmpty();
  }

  @Test
  void theRoundsAreWrittenAndReadBack() throws Exception {
    Report report = new Report("2 cores", "benchmarks/run --only parquet", 60, List.of(), rounds(), List.of(), List.of(),
        List.of(), List.of(), null, List.of(),
        Report.targets(List.of(), rounds(), List.of(), List.of(), List.of(), List.of(), List.of()));

    report.write(directory);

    String markdown = Files.readString(directory.resolve("latest.md"));
    assertThat(markdown).contains("Parquet writers alternating in one JVM")
        .contains("**missed**: Parquet zstd writer ≥ AvroParquetWriter + GenericRecord (median of 5 alternating"
            + " rounds) — 0.97× (0.50–2.10)")
        .doesNotContain("Writers, rows/s");
    Report read = Report.read(directory.resolve("latest.json"));
    assertThat(read.parquetRounds()).isEqualTo(rounds());
    assertThat(read.markdown()).isEqualTo(markdown);
  }

  @Test
  void aReportFromBeforeTheRoundsIsJudgedOnItsJmhLines() throws Exception {
    // The shape of latest.json before parquetRounds: the Parquet targets from the JMH writer lines.
    Files.writeString(directory.resolve("latest.json"), """
        {"machine": "2 cores", "command": "benchmarks/run --writers-only", "seconds": 420.0,
         "writers": [
           {"format": "PARQUET", "compression": "NONE", "fdbe": 150000.0, "fdbeBytesPerSecond": 9.0E7,
            "peer": 120000.0, "peerName": "AvroParquetWriter + GenericRecord", "duckDbOneThread": 200000.0,
            "duckDbDefault": 350000.0, "codecLimit": 2000000.0}],
         "targets": []}
        """);

    Report report = Report.read(directory.resolve("latest.json"));

    assertThat(report.parquetRounds()).isEmpty();
    assertThat(report.targets()).extracting(Report.Target::name, Report.Target::met, Report.Target::figures)
        .containsExactly(
            tuple("Parquet none writer ≥ AvroParquetWriter + GenericRecord", true, "150,000 vs 120,000 rows/s (125%)"),
            tuple("Parquet none ≥ 0.8× DuckDB COPY (1 thread)", false, "150,000 vs 200,000 rows/s (75%)"));
    assertThat(report.markdown()).doesNotContain("alternating");
  }

  /**
   * None: three rounds, every target met. Zstd: five rounds whose medians (fdbe 210, Avro 200,
   * DuckDB 280 rows/s) would say 1.05× Avro, where the per-round ratios' median is 0.97×. Brotli: two
   * rounds without DuckDB, as {@link ParquetVsPeers} leaves it out.
   */
  private static List<ParquetVsPeers.Round> rounds() {
    List<ParquetVsPeers.Round> rounds = new ArrayList<>();
    double[][] none = {{200, 180, 240}, {220, 200, 250}, {100, 120, 110}};
    double[][] zstd = {{100, 200, 125}, {300, 310, 400}, {210, 100, 280}, {150, 160, 200}, {250, 240, 320}};
    for (int i = 0; i < none.length; i++) {
      rounds.add(new ParquetVsPeers.Round(Compression.NONE, i + 1, none[i][0], none[i][1], none[i][2]));
    }
    for (int i = 0; i < zstd.length; i++) {
      rounds.add(new ParquetVsPeers.Round(Compression.ZSTD, i + 1, zstd[i][0], zstd[i][1], zstd[i][2]));
    }
    rounds.add(new ParquetVsPeers.Round(Compression.BROTLI, 1, 50, 40, null));
    rounds.add(new ParquetVsPeers.Round(Compression.BROTLI, 2, 60, 48, null));
    return rounds;
  }
}
