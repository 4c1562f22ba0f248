package dev.fdbe.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        new Report.WriterLine(FileFormat.JSON_LINES, Compression.NONE, 100, 1e6, 101.0, "Jackson", 60.0, 200.0,
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

    List<Report.Target> targets = Report.targets(lines, List.of(), List.of(), exports, small, List.of(), List.of());

    assertThat(targets).extracting(Report.Target::name, Report.Target::met).containsExactly(
        org.assertj.core.groups.Tuple.tuple("Parquet zstd writer ≥ GenericRecord", true),
        org.assertj.core.groups.Tuple.tuple("Parquet zstd ≥ 0.8× DuckDB COPY (1 thread)", false),
        org.assertj.core.groups.Tuple.tuple("JSONLines none writer ≥ Jackson", false),
        org.assertj.core.groups.Tuple.tuple("JSONLines none ≥ 1.5× DuckDB COPY (1 thread)", true),
        org.assertj.core.groups.Tuple.tuple("CSV none ≥ 1.5× DuckDB COPY (1 thread)", false),
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
    Report report = new Report("2 cores", "benchmarks/run", 600, lines, List.of(), List.of(), exports, small,
        List.of(), null,
        List.of(), Report.targets(lines, List.of(), List.of(), exports, small, List.of(), List.of()));

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
  void postgresLinesWrittenBeforeTheCpuReadingAreStillRead() throws Exception {
    // The shape of a PostgreSQL line before cpuSeconds.
    Files.writeString(directory.resolve("latest.json"), """
        {"machine": "2 cores", "command": "benchmarks/run --only postgres", "seconds": 130.0, "writers": [],
         "postgresExports": [
           {"name": "psql source select", "repetition": 1, "rows": 995000, "seconds": 3.5,
            "rowsPerSecond": 284286.0, "bytes": 0, "loadAverage": 1.2},
           {"name": "export CSV", "repetition": 1, "rows": 995000, "seconds": 4.5,
            "rowsPerSecond": 221111.0, "bytes": 873704928, "loadAverage": 1.4}],
         "targets": []}
        """);

    Report report = Report.read(directory.resolve("latest.json"));

    assertThat(report.markdown())
        .contains("| export CSV | 995,000 | 1 | 4.50 (4.50–4.50) | 221,111 (221,111–221,111) | – |")
        .contains("- export CSV ÷ psql source select, rows/s: 0.78×")
        .doesNotContain("machine CPU core·s:");
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

  @Test
  void postgresAndCompressionTargetsAreJudgedOnTheirRatios() {
    List<Report.Target> targets = Report.targets(List.of(), List.of(), List.of(), List.of(), List.of(), postgresRounds(),
        compression());

    assertThat(targets).extracting(Report.Target::name, Report.Target::met).containsExactly(
        org.assertj.core.groups.Tuple.tuple("PostgreSQL: psql of the source select ≤ 1.3× the time of the plain"
            + " ordered read (median of 3 rounds)", true),
        org.assertj.core.groups.Tuple.tuple("PostgreSQL: whole export Parquet ≥ 0.7× the rows/s of psql of the"
            + " source select (median of 3 rounds)", true),
        org.assertj.core.groups.Tuple.tuple("PostgreSQL: whole export JSONLines ≥ 0.85× the rows/s of psql of the"
            + " source select (median of 3 rounds)", true),
        org.assertj.core.groups.Tuple.tuple("PostgreSQL: whole export CSV ≥ 0.85× the rows/s of psql of the"
            + " source select (median of 3 rounds)", false),
        org.assertj.core.groups.Tuple.tuple("JSONLines zstd on 2 cores ≥ 1.5× single-threaded", true),
        org.assertj.core.groups.Tuple.tuple("JSONLines gzip on 2 cores ≥ 1.4× single-threaded", false),
        // the median of the per-round ratios, 1.52×, though the medians' ratio is 1.40×
        org.assertj.core.groups.Tuple.tuple("CSV zstd on 2 cores ≥ 1.5× single-threaded", true),
        org.assertj.core.groups.Tuple.tuple("CSV gzip on 2 cores ≥ 1.4× single-threaded", true));
    assertThat(targets.get(0).figures()).isEqualTo("1.20× (1.20–1.20)");
    assertThat(targets.get(3).figures()).isEqualTo("0.80× (0.80–0.80)");
    assertThat(targets.get(4).figures()).isEqualTo("96,000 vs 60,000 rows/s, medians; pool ÷ writer thread"
        + " (median of 5 alternating rounds) 1.62× (1.40–1.70)");
  }

  @Test
  void postgresAndCompressionLinesAreWrittenAndReadBack() throws Exception {
    Report report = new Report("2 cores", "benchmarks/run --only compression,postgres", 90, List.of(), List.of(),
        List.of(), List.of(), List.of(), postgresRounds(), null, compression(),
        Report.targets(List.of(), List.of(), List.of(), List.of(), List.of(), postgresRounds(), compression()));

    report.write(directory);

    String markdown = Files.readString(directory.resolve("latest.md"));
    assertThat(markdown).contains("Whole exports from PostgreSQL through the engine")
        .contains("load average 1.5 (1.5–1.5)")
        .contains("| psql plain ordered read | 1,000 | 3 | 1.00 (1.00–2.00) | 1,000 (500–1,000) | 1.0 (1.0–2.0) |")
        .contains("| export CSV | 1,000 | 3 | 1.50 (1.50–3.00) | 667 (333–667) | 2.7 (2.7–5.4) |")
        .contains("- source select ÷ plain read, seconds: 1.20× (1.20–1.20)")
        .contains("- export JSONLines ÷ psql source select, rows/s: 0.92× (0.92–0.92)")
        .contains("- export JSONLines ÷ psql source select + count, rows/s: 1.08× (1.08–1.08)")
        .contains("- export CSV ÷ psql source select, machine CPU core·s: 2.25× (2.25–2.25)")
        .contains("Compression on 2 cores")
        .contains("| JSONLines | zstd | 60,000 | 96,000 | 1.62× (1.40–1.70) | 64,000 | 120,000 | 1.88× |")
        .contains("| CSV | gzip | 40,000 | 60,000 | 1.50× | – | – | – |")
        .contains("- met: JSONLines zstd on 2 cores ≥ 1.5× single-threaded — 96,000 vs 60,000 rows/s, medians;"
            + " pool ÷ writer thread (median of 5 alternating rounds) 1.62× (1.40–1.70)")
        // judged by the median of the rounds' ratios (1.52×), not by the ratio of the medians (1.40×)
        .contains("- met: CSV zstd on 2 cores ≥ 1.5× single-threaded — 98,000 vs 70,000 rows/s, medians;"
            + " pool ÷ writer thread (median of 5 alternating rounds) 1.52× (1.38–1.60)")
        .contains("- **missed**: JSONLines gzip on 2 cores ≥ 1.4× single-threaded")
        .contains("- met: CSV gzip on 2 cores ≥ 1.4× single-threaded — 60,000 vs 40,000 rows/s, medians;"
            + " pool ÷ writer thread 1.50×")
        .contains("**missed**: PostgreSQL: whole export CSV ≥ 0.85×")
        .doesNotContain("not run")
        .doesNotContain("Writers, rows/s");
    Report read = Report.read(directory.resolve("latest.json"));
    assertThat(read.postgresExports()).isEqualTo(postgresRounds());
    assertThat(read.compression()).isEqualTo(compression());
    assertThat(read.markdown()).isEqualTo(markdown);
  }

  @Test
  void postgresNotRunIsSaidWithItsReason() throws Exception {
    Report report = new Report("2 cores", "benchmarks/run --only postgres", 1, List.of(), List.of(), List.of(), List.of(),
        List.of(), List.of(), "psql cannot be started (no such file)", List.of(), List.of());

    report.write(directory);

    String markdown = Files.readString(directory.resolve("latest.md"));
    assertThat(markdown).contains("\nPostgreSQL whole exports: not run — psql cannot be started (no such file)\n")
        .doesNotContain("Whole exports from PostgreSQL");
    assertThat(Report.read(directory.resolve("latest.json")).postgresNotRun())
        .isEqualTo("psql cannot be started (no such file)");
  }

  @Test
  void theCommandLinePicksPartsAndThePostgresRun() {
    Suite.Options defaults = Suite.Options.parse();
    assertThat(defaults.parts()).containsExactly("writers", "parquet", "text", "compression", "exports", "postgres");
    assertThat(defaults.withPostgres()).isTrue();
    assertThat(defaults.postgresUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/fdbe_benchpg?user=postgres");
    assertThat(defaults.postgresRows()).isEqualTo(1_000_000);
    assertThat(defaults.postgresRepetitions()).isEqualTo(5);

    Suite.Options smoke = Suite.Options.parse("--only", "compression,postgres", "--postgres-url",
        "jdbc:postgresql://db:5432/b?user=u", "--postgres-rows", "20000", "--postgres-repetitions", "2");
    assertThat(smoke.parts()).containsExactly("compression", "postgres");
    assertThat(smoke.runs("writers")).isFalse();
    assertThat(smoke.postgresUrl()).isEqualTo("jdbc:postgresql://db:5432/b?user=u");
    assertThat(smoke.postgresRows()).isEqualTo(20_000);
    assertThat(smoke.postgresRepetitions()).isEqualTo(2);

    assertThat(Suite.Options.parse("--exports-only", "--without-postgres"))
        .satisfies(options -> assertThat(options.parts()).containsExactly("exports", "postgres"))
        .satisfies(options -> assertThat(options.withPostgres()).isFalse());
    assertThat(Suite.Options.parse("--writers-only").parts()).containsExactly("writers", "parquet", "text", "compression");
    assertThat(Suite.Options.parse("--only", "parquet"))
        .satisfies(options -> assertThat(options.runs("parquet")).isTrue())
        .satisfies(options -> assertThat(options.runs("writers")).isFalse());
    assertThat(Suite.Options.parse("--exports-only").runs("parquet")).isFalse();
    assertThatThrownBy(() -> Suite.Options.parse("--only", "writers,pg")).hasMessage(
        "unknown part 'pg'; parts: writers, parquet, text, compression, exports, postgres");
    assertThatThrownBy(() -> Suite.Options.parse("--bogus")).hasMessageContaining(
        "--writers-only (writers, parquet, text, compression)");
    assertThatThrownBy(() -> Suite.Options.parse("--postgres-url")).hasMessage("--postgres-url needs a value");
  }

  /**
   * Three rounds of {@link PostgresWholeExport}; the third on a machine twice as busy, so that the
   * medians and ranges differ while every per-round ratio is the same.
   */
  private static List<PostgresWholeExport.Measurement> postgresRounds() {
    java.util.List<PostgresWholeExport.Measurement> rounds = new java.util.ArrayList<>();
    for (int round = 1; round <= 3; round++) {
      double slower = round == 3 ? 2 : 1;
      java.util.Map<String, Double> seconds = new java.util.LinkedHashMap<>();
      seconds.put(PostgresWholeExport.PLAIN, 1.0);
      seconds.put(PostgresWholeExport.SOURCE, 1.2);
      seconds.put(PostgresWholeExport.BOTH, 1.4);
      seconds.put("export JSONLines", 1.3);
      seconds.put("export CSV", 1.5);
      seconds.put("export Parquet", 1.6);
      for (var line : seconds.entrySet()) {
        double time = line.getValue() * slower;
        boolean export = line.getKey().startsWith("export");
        rounds.add(new PostgresWholeExport.Measurement(line.getKey(), round, 1_000, time, 1_000 / time,
            export ? 400_000 : 0, 1.5, time * (export ? 1.8 : 1.0)));
      }
    }
    return rounds;
  }

  private static List<Report.CompressionLine> compression() {
    return List.of(
        new Report.CompressionLine(FileFormat.JSON_LINES, Compression.ZSTD, 60_000, 96_000, 64_000.0, 120_000.0, 2,
            new Ratio(1.62, 1.4, 1.7, 5)),
        new Report.CompressionLine(FileFormat.JSON_LINES, Compression.GZIP, 40_000, 52_000, 45_000.0, 70_000.0, 2,
            new Ratio(1.3, 1.2, 1.45, 5)),
        new Report.CompressionLine(FileFormat.CSV, Compression.ZSTD, 70_000, 98_000, 75_000.0, 140_000.0, 2,
            new Ratio(1.52, 1.38, 1.6, 5)),
        // as a report from before the rounds alternated has it: the ratio of the two medians
        new Report.CompressionLine(FileFormat.CSV, Compression.GZIP, 40_000, 60_000, null, null, 2, null));
  }
}
