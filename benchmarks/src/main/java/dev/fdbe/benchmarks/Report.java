package dev.fdbe.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.jspecify.annotations.Nullable;
import org.knowm.xchart.style.Styler;

/**
 * The suite's results and what is written from them: {@code latest.json} (everything), {@code
 * latest.md} (the tables and the targets) and {@code latest.png} (rows/s per format × compression,
 * the peers side by side, drawn by XChart).
 *
 * @param machine cores, memory, Java and OS of the machine that measured
 * @param command the command that produced the results
 * @param seconds how long the suite took
 * @param writers one line per format × compression
 * @param parquetRounds every round of the Parquet writer alternating with its peers, per codec
 * @param textRounds every round of the text writers alternating with DuckDB, per format
 * @param wholeExports the whole-export measurements
 * @param smallExports the latencies of small exports
 * @param postgresExports every round of the whole exports from PostgreSQL and of psql beside them
 * @param postgresNotRun why the PostgreSQL exports did not run, or null when they ran or were not asked for
 * @param compression text writers compressing on the writer's thread and on the compression pool
 * @param targets the targets of the issue, each met or missed with its figures
 */
public record Report(String machine, String command, double seconds, List<WriterLine> writers,
    List<ParquetVsPeers.Round> parquetRounds, List<TextWritersVsDuckDb.Round> textRounds,
    List<WholeExport.Measurement> wholeExports, List<SmallExport.Latency> smallExports,
    List<PostgresWholeExport.Measurement> postgresExports, @Nullable String postgresNotRun,
    List<CompressionLine> compression, List<Target> targets) {
  private static final long HEAP_FROM_ROWS = 1_000_000;
  /** From this many rows the whole export is held to {@link #OF_PLAIN_READ} of the plain read. */
  private static final long PLAIN_READ_FROM_ROWS = 1_000_000;
  private static final double OF_PLAIN_READ = 0.9;
  private static final double SMALL_EXPORT_SECONDS = 0.5;

  /** Lists missing from a report written before they were measured are empty. */
  public Report {
    writers = writers == null ? List.of() : writers;
    parquetRounds = parquetRounds == null ? List.of() : parquetRounds;
    textRounds = textRounds == null ? List.of() : textRounds;
    wholeExports = wholeExports == null ? List.of() : wholeExports;
    smallExports = smallExports == null ? List.of() : smallExports;
    postgresExports = postgresExports == null ? List.of() : postgresExports;
    compression = compression == null ? List.of() : compression;
    targets = targets == null ? List.of() : targets;
  }

  /**
   * The report in a {@code latest.json}, its targets judged again (after the rules changed); lines a
   * report of an older suite lacks are absent.
   */
  public static Report read(Path json) throws IOException {
    Report report = new ObjectMapper().readValue(json.toFile(), Report.class);
    return new Report(report.machine(), report.command(), report.seconds(), report.writers(), report.parquetRounds(),
        report.textRounds(), report.wholeExports(), report.smallExports(), report.postgresExports(),
        report.postgresNotRun(), report.compression(), targets(report.writers(), report.parquetRounds(),
            report.textRounds(), report.wholeExports(), report.smallExports(), report.postgresExports(),
            report.compression()));
  }

  /**
   * Rows/s of the library's writer and of everything measured next to it, for one format and
   * compression; a value not measured is null.
   */
  public record WriterLine(FileFormat format, Compression compression, double fdbe, double fdbeBytesPerSecond,
      Double peer, String peerName, Double duckDbOneThread, Double duckDbDefault, Double codecLimit) {
    String label() {
      return format.wireName() + " " + compression.name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Rows/s of one text format and compression written with the blocks compressed on the writer's
   * thread (a JVM that sees one processor) and on fdbe's compression pool (a JVM that sees {@code
   * processors}), medians of {@link CompressionRounds}' alternating rounds. From CPU time, which a
   * busy machine hardly changes (null when not measured): {@code writerThreadCpuRate} is rows per CPU
   * second of the single-threaded writer, {@code poolBound} the rows/s the pool would reach with
   * {@code processors} idle cores.
   *
   * @param ratio the median (least, most) of the per-round ratios pool ÷ writer thread; null in a
   *     report from before the rounds alternated, whose two lines ran in JMH minutes apart
   */
  public record CompressionLine(FileFormat format, Compression compression, double writerThread, double pool,
      @Nullable Double writerThreadCpuRate, @Nullable Double poolBound, int processors, @Nullable Ratio ratio) {
    /** How many times faster the pool writes: the median of the rounds' ratios, or the medians' ratio in an older report. */
    double speedup() {
      return ratio != null ? ratio.median() : pool / writerThread;
    }

    /** The speedup as the report writes it: median (least–most) when the rounds alternated. */
    String speedupFigures() {
      return ratio != null ? ratio.figures() : String.format(Locale.ROOT, "%.2f×", speedup());
    }

    /** How many times faster the pool would write on idle cores, by CPU time; null when not measured. */
    @Nullable Double cpuSpeedup() {
      return writerThreadCpuRate == null || poolBound == null ? null : poolBound / writerThreadCpuRate;
    }

    /** The speedup the issue asks for on two cores: zstd 1.5×, gzip 1.4× (its codec leaves less to share). */
    @Nullable Double target() {
      return compression == Compression.ZSTD ? 1.5 : compression == Compression.GZIP ? 1.4 : null;
    }

    String label() {
      return format.wireName() + " " + compression.name().toLowerCase(Locale.ROOT);
    }
  }

  /** A target: what it asks, whether it is met, and the figures that decide it. */
  public record Target(String name, boolean met, String figures) {}

  /**
   * Builds the targets from the lines, the Parquet and text rounds, the whole and small exports,
   * PostgreSQL's and the compression pool; the Parquet writer's are {@link ParquetLines}', the text
   * writers' against DuckDB {@link TextLines}'.
   */
  public static List<Target> targets(List<WriterLine> writers, List<ParquetVsPeers.Round> parquetRounds,
      List<TextWritersVsDuckDb.Round> textRounds, List<WholeExport.Measurement> wholeExports,
      List<SmallExport.Latency> smallExports, List<PostgresWholeExport.Measurement> postgresExports,
      List<CompressionLine> compression) {
    List<Target> targets = new ArrayList<>(ParquetLines.targets(writers, parquetRounds));
    for (WriterLine line : writers) {
      if (line.peer() != null && line.format() != FileFormat.PARQUET) {
        targets.add(new Target(line.label() + " writer ≥ " + line.peerName(), line.fdbe() >= line.peer(),
            rate(line.fdbe()) + " vs " + rate(line.peer()) + " rows/s (" + percent(line.fdbe() / line.peer()) + ")"));
      }
    }
    targets.addAll(TextLines.targets(writers, textRounds));
    List<Long> sizes = wholeExports.stream().map(WholeExport.Measurement::rows).distinct().sorted().toList();
    for (long rows : sizes) {
      List<WholeExport.Measurement> these = wholeExports.stream().filter(m -> m.rows() == rows).toList();
      WholeExport.Measurement read = these.stream().filter(m -> m.name().equals(WholeExport.READ)).findFirst()
          .orElse(null);
      if (read == null) {
        continue;
      }
      for (WholeExport.Measurement export : these) {
        if (isExport(export)) {
          targets.add(new Target(export.name() + " of " + count(rows) + " rows ≥ 70% of the H2 read",
              export.rowsPerSecond() >= 0.7 * read.rowsPerSecond(), rate(export.rowsPerSecond()) + " vs "
                  + rate(read.rowsPerSecond()) + " rows/s (" + percent(export.rowsPerSecond() / read.rowsPerSecond())
                  + ")"));
        }
      }
    }
    for (long rows : sizes) {
      if (rows < PLAIN_READ_FROM_ROWS) {
        continue;
      }
      List<WholeExport.Measurement> these = wholeExports.stream().filter(m -> m.rows() == rows).toList();
      these.stream().filter(m -> m.name().equals(WholeExport.PLAIN)).findFirst().ifPresent(plain -> {
        for (WholeExport.Measurement export : these) {
          if (isExport(export)) {
            double ratio = export.rowsPerSecond() / plain.rowsPerSecond();
            targets.add(new Target("whole " + export.name() + " of " + count(rows) + " rows ≥ " + OF_PLAIN_READ
                + "× the " + WholeExport.PLAIN + (export.repetitions() > 1 ? " (medians)" : ""),
                ratio >= OF_PLAIN_READ, rate(export.rowsPerSecond()) + " vs " + rate(plain.rowsPerSecond())
                    + " rows/s (" + String.format(Locale.ROOT, "%.2f×", ratio) + ")"));
          }
        }
      });
    }
    for (SmallExport.Latency small : smallExports) {
      targets.add(new Target("small " + small.name() + " of " + String.format(Locale.ROOT, "%,d", small.rows())
          + " rows, create → Completed ≤ " + SMALL_EXPORT_SECONDS + " s (median of " + small.repetitions() + ")",
          small.medianSeconds() <= SMALL_EXPORT_SECONDS, String.format(Locale.ROOT, "%.3f s (%.3f–%.3f)",
              small.medianSeconds(), small.minSeconds(), small.maxSeconds())));
    }
    // Peak heap: from 1M rows up (a smaller export can end before the heap is first sampled).
    List<Long> large = sizes.stream().filter(rows -> rows >= HEAP_FROM_ROWS).toList();
    if (large.size() >= 2) {
      long small = large.get(large.size() - 2);
      long largest = large.get(large.size() - 1);
      for (WholeExport.Measurement export : wholeExports) {
        if (export.rows() != largest || !isExport(export)) {
          continue;
        }
        wholeExports.stream().filter(m -> m.rows() == small && m.name().equals(export.name())).findFirst()
            .ifPresent(before -> targets.add(new Target(export.name() + " peak live heap flat from " + count(small)
                + " to " + count(largest) + " rows (at most 25% more)",
                export.peakLiveHeapBytes() <= before.peakLiveHeapBytes() * 1.25,
                mib(before.peakLiveHeapBytes()) + " → " + mib(export.peakLiveHeapBytes()))));
      }
    }
    targets.addAll(PostgresLines.targets(postgresExports));
    for (CompressionLine line : compression) {
      Double target = line.target();
      if (target != null) {
        targets.add(new Target(line.label() + " on " + line.processors() + " cores ≥ " + target
            + "× single-threaded", line.speedup() >= target, rate(line.pool()) + " vs "
            + rate(line.writerThread()) + " rows/s, medians; pool ÷ writer thread "
            + (line.ratio() != null ? "(median of " + line.ratio().rounds() + " alternating rounds) " : "")
            + line.speedupFigures()));
      }
    }
    return targets;
  }

  /** Writes latest.json, latest.md and (with writer lines) latest.png into the directory. */
  public void write(Path directory) throws IOException {
    Files.createDirectories(directory);
    new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
        .writeValue(directory.resolve("latest.json").toFile(), this);
    Files.writeString(directory.resolve("latest.md"), markdown(), StandardCharsets.UTF_8);
    // Without writer lines (--exports-only) there are no bars to draw; a chart from an earlier run stays.
    if (!writers.isEmpty()) {
      BitmapEncoder.saveBitmap(chart(), directory.resolve("latest.png").toString(), BitmapEncoder.BitmapFormat.PNG);
    }
  }

  /** The tables and the targets in Markdown. */
  public String markdown() {
    StringBuilder md = new StringBuilder();
    md.append("Measured on ").append(machine).append(" with `").append(command).append("` in ")
        .append(Math.round(seconds)).append(" s.\n");
    if (!writers.isEmpty()) {
      md.append("\nWriters, rows/s (single-threaded; events rows with 300–800 byte properties):\n\n");
      md.append("| format | compression | fdbe | fdbe MB/s out | hand-rolled peer | DuckDB COPY 1 thread "
          + "| DuckDB COPY default threads | codec alone |\n");
      md.append("|---|---|--:|--:|--:|--:|--:|--:|\n");
    }
    for (WriterLine line : writers) {
      md.append("| ").append(line.format().wireName()).append(" | ")
          .append(line.compression().name().toLowerCase(Locale.ROOT)).append(" | ").append(rate(line.fdbe()))
          .append(" | ").append(String.format(Locale.ROOT, "%.1f", line.fdbeBytesPerSecond() / 1e6)).append(" | ")
          .append(line.peer() == null ? "–" : rate(line.peer()) + " (" + line.peerName() + ")").append(" | ")
          .append(orDash(line.duckDbOneThread())).append(" | ").append(orDash(line.duckDbDefault())).append(" | ")
          .append(orDash(line.codecLimit())).append(" |\n");
    }
    if (!parquetRounds.isEmpty()) {
      md.append('\n').append(ParquetLines.markdown(parquetRounds));
    }
    if (!textRounds.isEmpty()) {
      md.append('\n').append(TextLines.markdown(textRounds));
    }
    if (!wholeExports.isEmpty()) {
      md.append("\nWhole exports from H2 through the engine to local storage (one worker, compression ")
          .append("none); a line run more than once has the median of its runs, which alternated with the other")
          .append(" repeated lines:\n\n| what | rows | seconds | rows/s | bytes | peak live heap | runs |")
          .append(" rows/s min–max |\n|---|--:|--:|--:|--:|--:|--:|--:|\n");
      for (WholeExport.Measurement m : wholeExports) {
        md.append("| ").append(m.name()).append(" | ").append(count(m.rows())).append(" | ")
            .append(String.format(Locale.ROOT, "%.1f", m.seconds())).append(" | ").append(rate(m.rowsPerSecond()))
            .append(" | ").append(m.bytes() == 0 ? "–" : mib(m.bytes())).append(" | ")
            .append(mib(m.peakLiveHeapBytes())).append(" | ").append(Math.max(1, m.repetitions())).append(" | ")
            .append(m.minRowsPerSecond() == null || m.maxRowsPerSecond() == null ? "–"
                : rate(m.minRowsPerSecond()) + "–" + rate(m.maxRowsPerSecond()))
            .append(" |\n");
      }
      List<String> ratios = plainReadRatios(wholeExports);
      if (!ratios.isEmpty()) {
        md.append("\nWhole export ÷ ").append(WholeExport.PLAIN).append(", rows/s: ").append(String.join("; ", ratios))
            .append(".\n");
      }
      List<String> shares = countingShares(wholeExports);
      if (!shares.isEmpty()) {
        md.append("\nEvery export counts its rows before reading them (`records_total`); counting alone took ")
            .append(String.join("; ", shares)).append(".\n");
      }
    }
    if (!smallExports.isEmpty()) {
      md.append("\nSmall exports through the in-process engine, seconds (median of the runs, after warm-up runs);")
          .append(" each phase's median:\n\n| what | rows | runs | create → Completed | min–max | create → seen by caller");
      for (String phase : SmallExport.PHASES) {
        md.append(" | ").append(phase);
      }
      md.append(" |\n|---|--:|--:|--:|--:|--:").append("|--:".repeat(SmallExport.PHASES.size())).append("|\n");
      for (SmallExport.Latency small : smallExports) {
        md.append("| ").append(small.name()).append(" | ").append(String.format(Locale.ROOT, "%,d", small.rows()))
            .append(" | ").append(small.repetitions()).append(" | ").append(seconds(small.medianSeconds()))
            .append(" | ").append(seconds(small.minSeconds())).append("–").append(seconds(small.maxSeconds()))
            .append(" | ").append(seconds(small.medianObservedSeconds()));
        for (String phase : SmallExport.PHASES) {
          Double value = small.phaseMedianSeconds() == null ? null : small.phaseMedianSeconds().get(phase);
          md.append(" | ").append(value == null ? "–" : seconds(value));
        }
        md.append(" |\n");
      }
    }
    if (!postgresExports.isEmpty()) {
      md.append('\n').append(PostgresLines.markdown(postgresExports));
    }
    if (postgresNotRun != null) {
      md.append("\nPostgreSQL whole exports: not run — ").append(postgresNotRun).append('\n');
    }
    if (!compression.isEmpty()) {
      md.append("\nCompression on ").append(compression.get(0).processors()).append(" cores: rows/s of a text")
          .append(" writer with its blocks compressed on the writer's thread (single-threaded) and on the")
          .append(" compression pool (`CompressionRounds`: each in a JVM of its own, the two asked in turn, medians of")
          .append(" the rounds; the ratio is the median (least–most) of the per-round ratios). The pool needs idle cores;")
          .append(" on a busy machine the rates from CPU time (rows per CPU second of the single-threaded writer;")
          .append(" the pool's rows/s if its JVM's CPU time were spread over idle cores) tell more:\n\n")
          .append("| format | compression | single-threaded | pool | pool ÷ single-threaded | single-threaded by CPU")
          .append(" | pool on ").append(compression.get(0).processors()).append(" idle cores by CPU | ratio by CPU |\n")
          .append("|---|---|--:|--:|--:|--:|--:|--:|\n");
      for (CompressionLine line : compression) {
        md.append("| ").append(line.format().wireName()).append(" | ")
            .append(line.compression().name().toLowerCase(Locale.ROOT)).append(" | ").append(rate(line.writerThread()))
            .append(" | ").append(rate(line.pool())).append(" | ")
            .append(line.speedupFigures()).append(" | ")
            .append(orDash(line.writerThreadCpuRate())).append(" | ").append(orDash(line.poolBound())).append(" | ")
            .append(line.cpuSpeedup() == null ? "–" : String.format(Locale.ROOT, "%.2f×", line.cpuSpeedup()))
            .append(" |\n");
      }
    }
    md.append("\nTargets:\n\n");
    for (Target target : targets) {
      md.append("- ").append(target.met() ? "met" : "**missed**").append(": ").append(target.name()).append(" — ")
          .append(target.figures()).append('\n');
    }
    return md.toString();
  }

  /**
   * Rows/s per format × compression as grouped bars, the peers beside fdbe. The codec limits stay in
   * the table: they are many times higher and would flatten every other bar.
   */
  CategoryChart chart() {
    CategoryChart chart = new CategoryChartBuilder().width(1600).height(700)
        .title("fdbe writers vs peers — rows/s, single-threaded unless marked (higher is better)")
        .xAxisTitle("format and compression").yAxisTitle("rows/s").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
    chart.getStyler().setXAxisLabelRotation(45);
    chart.getStyler().setOverlapped(false);
    chart.getStyler().setYAxisDecimalPattern("#,###");
    chart.getStyler().setSeriesColors(new java.awt.Color[] {new java.awt.Color(0x1D, 0x4A, 0xFF),
        new java.awt.Color(0xF5, 0x4E, 0x00), new java.awt.Color(0xF9, 0xBD, 0x2B),
        new java.awt.Color(0x7A, 0x5C, 0x00)});
    List<String> labels = writers.stream().map(WriterLine::label).toList();
    chart.addSeries("fdbe", labels, writers.stream().map(line -> (Number) line.fdbe()).toList());
    chart.addSeries("hand-rolled peer (Jackson / GenericRecord)", labels,
        writers.stream().map(line -> (Number) line.peer()).toList());
    chart.addSeries("DuckDB COPY, 1 thread", labels,
        writers.stream().map(line -> (Number) line.duckDbOneThread()).toList());
    chart.addSeries("DuckDB COPY, default threads", labels,
        writers.stream().map(line -> (Number) line.duckDbDefault()).toList());
    return chart;
  }

  /** Whether the measurement is an export through the engine, not one of the source alone. */
  private static boolean isExport(WholeExport.Measurement measurement) {
    return measurement.name().startsWith("export ");
  }

  /**
   * What counting costs the exports: per row count, the count alone as a share of each export's
   * time (every export counts first, so its time includes this).
   */
  static List<String> countingShares(List<WholeExport.Measurement> wholeExports) {
    List<String> shares = new ArrayList<>();
    for (WholeExport.Measurement count : wholeExports) {
      if (!count.name().equals(WholeExport.COUNT)) {
        continue;
      }
      List<WholeExport.Measurement> exports = wholeExports.stream()
          .filter(m -> m.rows() == count.rows() && isExport(m)).toList();
      if (exports.isEmpty()) {
        continue;
      }
      double least = exports.stream().mapToDouble(m -> count.seconds() / m.seconds()).min().orElseThrow();
      double most = exports.stream().mapToDouble(m -> count.seconds() / m.seconds()).max().orElseThrow();
      shares.add(count(count.rows()) + " rows: " + String.format(Locale.ROOT, "%.1f", count.seconds()) + " s, "
          + (percent(least).equals(percent(most)) ? percent(least) : percent(least) + "–" + percent(most))
          + " of an export's time");
    }
    return shares;
  }

  /** Per row count, each export's rows/s as a multiple of the plain read's (medians when repeated). */
  static List<String> plainReadRatios(List<WholeExport.Measurement> wholeExports) {
    List<String> ratios = new ArrayList<>();
    for (WholeExport.Measurement plain : wholeExports) {
      if (!plain.name().equals(WholeExport.PLAIN)) {
        continue;
      }
      List<String> these = wholeExports.stream().filter(m -> m.rows() == plain.rows() && isExport(m))
          .map(m -> m.name() + " " + String.format(Locale.ROOT, "%.2f×", m.rowsPerSecond() / plain.rowsPerSecond()))
          .toList();
      if (!these.isEmpty()) {
        ratios.add(count(plain.rows()) + " rows: " + String.join(", ", these));
      }
    }
    return ratios;
  }

  private static String seconds(double value) {
    return String.format(Locale.ROOT, "%.3f", value);
  }

  private static String orDash(Double value) {
    return value == null ? "–" : rate(value);
  }

  static String rate(double value) {
    return String.format(Locale.ROOT, "%,.0f", value);
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.0f%%", ratio * 100);
  }

  private static String count(long rows) {
    return rows % 1_000_000 == 0 ? rows / 1_000_000 + "M" : rows % 1_000 == 0 ? rows / 1_000 + "k" : Long.toString(rows);
  }

  private static String mib(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
  }
}
