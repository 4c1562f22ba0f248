package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/** The suite's plumbing: JMH results become report lines, targets are judged, the files are written. */
class SuiteTest {
  @TempDir
  Path directory;

  @Test
  void jmhResultsBecomeOneLinePerFormatAndCompression() throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include("^dev\\.fdbe\\.benchmarks\\.(FormatThroughput|CodecLimit|JacksonJsonLines)\\.")
        .param("format", "JSON_LINES")
        .param("compression", "NONE")
        .forks(0)
        .warmupIterations(0)
        .measurementIterations(1)
        .measurementTime(TimeValue.milliseconds(300))
        .build()).run();

    List<Report.WriterLine> lines = Suite.writerLines(results);

    assertThat(lines).singleElement().satisfies(line -> {
      assertThat(line.format()).isEqualTo(FileFormat.JSON_LINES);
      assertThat(line.compression()).isEqualTo(Compression.NONE);
      assertThat(line.fdbe()).isPositive();
      assertThat(line.fdbeBytesPerSecond()).isGreaterThan(line.fdbe() * 300);
      assertThat(line.peer()).isPositive();
      assertThat(line.codecLimit()).isGreaterThan(line.fdbe());
      assertThat(line.duckDbOneThread()).isNull();
    });
  }

  @Test
  void targetsAreJudgedOnTheFigures() {
    List<Report.WriterLine> lines = List.of(
        new Report.WriterLine(FileFormat.PARQUET, Compression.ZSTD, 100, 1e6, 80.0, "GenericRecord", 300.0, 500.0,
            1000.0),
        new Report.WriterLine(FileFormat.CSV, Compression.NONE, 100, 1e6, null, null, 120.0, 200.0, 1000.0),
        new Report.WriterLine(FileFormat.JSON_LINES, Compression.NONE, 100, 1e6, 101.0, "Jackson", 90.0, 200.0,
            1000.0));
    List<WholeExport.Measurement> exports = List.of(
        new WholeExport.Measurement("H2 read (source limit)", 1_000_000, 10, 100_000, 0, 50 << 20),
        new WholeExport.Measurement("H2 count (records_total)", 1_000_000, 3, 333_333, 0, 50 << 20),
        new WholeExport.Measurement("export CSV", 1_000_000, 12, 80_000, 900 << 20, 60 << 20),
        new WholeExport.Measurement("export JSONLines", 1_000_000, 15, 66_666, 900 << 20, 60 << 20),
        new WholeExport.Measurement("H2 read (source limit)", 10_000_000, 100, 100_000, 0, 50 << 20),
        new WholeExport.Measurement("export CSV", 10_000_000, 200, 50_000, 900 << 20, 90 << 20),
        new WholeExport.Measurement("H2 plain read (same query)", 100_000, 1, 100_000, 0, 50 << 20, 5, 90_000.0,
            110_000.0),
        new WholeExport.Measurement("export CSV", 100_000, 2, 50_000, 90 << 20, 50 << 20, 5, 45_000.0, 55_000.0),
        new WholeExport.Measurement("H2 plain read (same query)", 1_000_000, 10, 100_000, 0, 50 << 20, 2, 95_000.0,
            105_000.0),
        new WholeExport.Measurement("export Parquet", 1_000_000, 11, 90_909, 700 << 20, 90 << 20, 2, 90_000.0,
            91_000.0));
    List<SmallExport.Latency> small = List.of(new SmallExport.Latency("export JSONLines", 49_510, 7, 0.62, 0.55,
        0.9, 0.66, java.util.Map.of()));

    List<Report.Target> targets = Report.targets(lines, exports, small);

    assertThat(targets).extracting(Report.Target::name, Report.Target::met).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Parquet zstd writer ≥ GenericRecord", true),
        org.assertj.core.groups.Tuple.tuple("JSONLines none writer ≥ Jackson", false),
        org.assertj.core.groups.Tuple.tuple("Parquet zstd ≥ 50% of DuckDB COPY (1 thread)", false),
        org.assertj.core.groups.Tuple.tuple("CSV none ≥ DuckDB COPY (1 thread)", false),
        org.assertj.core.groups.Tuple.tuple("JSONLines none ≥ DuckDB COPY (1 thread)", true),
        org.assertj.core.groups.Tuple.tuple("export CSV of 1M rows ≥ 70% of the H2 read", true),
        org.assertj.core.groups.Tuple.tuple("export JSONLines of 1M rows ≥ 70% of the H2 read", false),
        org.assertj.core.groups.Tuple.tuple("export Parquet of 1M rows ≥ 70% of the H2 read", true),
        org.assertj.core.groups.Tuple.tuple("export CSV of 10M rows ≥ 70% of the H2 read", false),
        org.assertj.core.groups.Tuple.tuple("whole export CSV of 1M rows ≥ 0.9× the H2 plain read (same query)",
            false),
        org.assertj.core.groups.Tuple.tuple("whole export JSONLines of 1M rows ≥ 0.9× the H2 plain read (same query)",
            false),
        org.assertj.core.groups.Tuple.tuple("whole export Parquet of 1M rows ≥ 0.9× the H2 plain read (same query)"
            + " (medians)", true),
        org.assertj.core.groups.Tuple.tuple(
            "small export JSONLines of 49,510 rows, create → Completed ≤ 0.5 s (median of 7)", false),
        org.assertj.core.groups.Tuple.tuple("export CSV peak live heap flat from 1M to 10M rows (at most 25% more)",
            false));
    assertThat(targets.get(0).figures()).isEqualTo("100 vs 80 rows/s (125%)");
    assertThat(targets).filteredOn(target -> target.name().startsWith("whole export Parquet")).singleElement()
        .extracting(Report.Target::figures).isEqualTo("90,909 vs 100,000 rows/s (0.91×)");
    assertThat(targets).filteredOn(target -> target.name().startsWith("small")).singleElement()
        .extracting(Report.Target::figures).isEqualTo("0.620 s (0.550–0.900)");
    assertThat(Report.plainReadRatios(exports)).containsExactly("100k rows: export CSV 0.50×",
        "1M rows: export CSV 0.80×, export JSONLines 0.67×, export Parquet 0.91×");
    assertThat(Report.countingShares(exports)).as("the count is no export; its share of each export's time")
        .containsExactly("1M rows: 3.0 s, 20%–27% of an export's time");
  }

  @Test
  void theReportIsWrittenAsJsonMarkdownAndChart() throws Exception {
    List<Report.WriterLine> lines = List.of(
        new Report.WriterLine(FileFormat.PARQUET, Compression.NONE, 150_000, 9e7, 120_000.0, "GenericRecord",
            200_000.0, 350_000.0, 2_000_000.0),
        new Report.WriterLine(FileFormat.CSV, Compression.GZIP, 60_000, 2e7, null, null, 50_000.0, 90_000.0,
            70_000.0));
    java.util.Map<String, Double> phases = new java.util.LinkedHashMap<>();
    for (String phase : SmallExport.PHASES) {
      phases.put(phase, 0.01 * (phases.size() + 1));
    }
    List<WholeExport.Measurement> exports = List.of(
        new WholeExport.Measurement("H2 count (records_total)", 100_000, 0.3, 333_333, 0, 40 << 20),
        new WholeExport.Measurement("export CSV", 100_000, 1.5, 66_666, 90 << 20, 40 << 20, 5, 60_000.0, 70_000.0),
        new WholeExport.Measurement("H2 plain read (same query)", 100_000, 1.0, 100_000, 0, 40 << 20, 5, 95_000.0,
            120_000.0));
    List<SmallExport.Latency> small = List.of(
        new SmallExport.Latency("export JSONLines", 49_510, 7, 0.4, 0.35, 0.6, 0.45, phases));
    Report report = new Report("2 cores", "benchmarks/run", 600, lines, exports, small,
        Report.targets(lines, exports, small));

    report.write(directory);

    String markdown = Files.readString(directory.resolve("latest.md"));
    assertThat(markdown).contains("| CSV | gzip | 60,000 | 20.0 | – | 50,000 | 90,000 | 70,000 |")
        .contains("| export CSV | 100k | 1.5 | 66,666 | 90.0 MiB | 40.0 MiB | 5 | 60,000–70,000 |")
        .contains("| H2 count (records_total) | 100k | 0.3 | 333,333 | – | 40.0 MiB | 1 | – |")
        .contains("Whole export ÷ H2 plain read (same query), rows/s: 100k rows: export CSV 0.67×.")
        .contains("| export JSONLines | 49,510 | 7 | 0.400 | 0.350–0.600 | 0.450 | 0.010 | 0.020 | 0.030 | 0.040"
            + " | 0.050 | 0.060 |")
        .contains("counting alone took 100k rows: 0.3 s, 20% of an export's time.")
        .contains("met: Parquet none writer ≥ GenericRecord — 150,000 vs 120,000 rows/s (125%)");
    assertThat(Files.readString(directory.resolve("latest.json"))).contains("\"duckDbDefault\" : 350000.0");
    assertThat(Report.read(directory.resolve("latest.json")).markdown()).isEqualTo(markdown);
    assertThat(Report.read(directory.resolve("latest.json")).smallExports()).singleElement()
        .satisfies(latency -> assertThat(latency.phaseMedianSeconds().keySet()).containsExactlyElementsOf(SmallExport.PHASES));
    BufferedImage chart = ImageIO.read(directory.resolve("latest.png").toFile());
    assertThat(chart.getWidth()).isEqualTo(1600);
    assertThat(chart.getHeight()).isEqualTo(700);
  }

  @Test
  void aReportOfTheSuiteBeforeRepetitionsIsStillRead() throws Exception {
    // The shape of latest.json before the plain read, repetitions and small exports.
    Files.writeString(directory.resolve("latest.json"), """
        {"machine": "2 cores", "command": "benchmarks/run", "seconds": 713.4, "writers": [],
         "wholeExports": [
           {"name": "H2 read (source limit)", "rows": 1000000, "seconds": 30.2, "rowsPerSecond": 33091.0,
            "bytes": 0, "peakLiveHeapBytes": 23278000},
           {"name": "export CSV", "rows": 1000000, "seconds": 27.1, "rowsPerSecond": 36841.0,
            "bytes": 878182000, "peakLiveHeapBytes": 24012000}],
         "targets": []}
        """);

    Report report = Report.read(directory.resolve("latest.json"));
    report.write(directory);

    assertThat(report.smallExports()).isEmpty();
    assertThat(report.wholeExports()).extracting(WholeExport.Measurement::repetitions).containsOnly(0);
    assertThat(report.targets()).extracting(Report.Target::name)
        .containsExactly("export CSV of 1M rows ≥ 70% of the H2 read");
    assertThat(report.markdown()).contains("| export CSV | 1M | 27.1 | 36,841 | 837.5 MiB | 22.9 MiB | 1 | – |")
        .doesNotContain("Small exports").doesNotContain("plain read");
    assertThat(directory.resolve("latest.png")).as("no writer lines, no bars").doesNotExist();
  }
}
