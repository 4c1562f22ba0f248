package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The text writers (JSON Lines, CSV, uncompressed) against DuckDB's {@code COPY} with one thread,
 * and that target's one home: from {@link TextWritersVsDuckDb}' alternating rounds for each format
 * they measured, the target a {@link Ratio} (the median of the per-round ratios); from the suite's
 * JMH lines only for a format without rounds (a report of the suite before them), where one fork ran
 * after the other and a busy minute can swing the ratio by half.
 */
final class TextLines {
  /** The text writers, uncompressed, keep at least this multiple of DuckDB's rows/s with one thread. */
  static final double OF_DUCKDB = 1.5;
  private static final List<FileFormat> FORMATS = List.of(FileFormat.JSON_LINES, FileFormat.CSV);

  private TextLines() {}

  /** The table of the rounds per format, in Markdown; empty without rounds. */
  static String markdown(List<TextWritersVsDuckDb.Round> rounds) {
    if (rounds.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("Text writers, uncompressed, alternating with DuckDB in one JVM")
        .append(" (`TextWritersVsDuckDb`: in each round each writes the same rows in turn, the order swapped")
        .append(" every round), rows per wall second the median of the rounds, the ratio the median (min–max) of")
        .append(" the per-round ratios:\n\n| format | rounds | fdbe | DuckDB COPY 1 thread | fdbe ÷ DuckDB 1 thread |\n")
        .append("|---|--:|--:|--:|--:|\n");
    for (FileFormat format : FORMATS) {
      List<TextWritersVsDuckDb.Round> these = of(rounds, format);
      if (these.isEmpty()) {
        continue;
      }
      double fdbe = WholeExport.median(these.stream().mapToDouble(TextWritersVsDuckDb.Round::fdbe).toArray());
      double duckDb = WholeExport.median(these.stream().mapToDouble(TextWritersVsDuckDb.Round::duckDbOneThread)
          .toArray());
      md.append("| ").append(format.wireName()).append(" | ").append(these.size()).append(" | ")
          .append(Report.rate(fdbe)).append(" | ").append(Report.rate(duckDb)).append(" | ").append(ofDuckDb(these).map(Ratio::figures).orElse("–")).append(" |\n");
    }
    return md.toString();
  }

  /**
   * The text writers' targets against DuckDB: ≥ {@value #OF_DUCKDB}× its rows/s with one thread,
   * uncompressed; from the rounds of a format when it has any, else from its JMH line.
   */
  static List<Report.Target> targets(List<Report.WriterLine> writers, List<TextWritersVsDuckDb.Round> rounds) {
    List<Report.Target> targets = new ArrayList<>();
    for (FileFormat format : FORMATS) {
      String name = format.wireName() + " none ≥ " + OF_DUCKDB + "× DuckDB COPY (1 thread)";
      Optional<Ratio> alternating = ofDuckDb(of(rounds, format));
      if (alternating.isPresent()) {
        Ratio r = alternating.get();
        targets.add(new Report.Target(name + " (median of " + r.rounds() + " alternating rounds)",
            r.median() >= OF_DUCKDB, r.figures()));
        continue;
      }
      writers.stream().filter(line -> line.format() == format && line.compression() == Compression.NONE
          && line.duckDbOneThread() != null).findFirst().ifPresent(line -> targets.add(new Report.Target(name,
              line.fdbe() >= OF_DUCKDB * line.duckDbOneThread(), Report.rate(line.fdbe()) + " vs "
                  + Report.rate(line.duckDbOneThread()) + " rows/s ("
                  + Report.percent(line.fdbe() / line.duckDbOneThread()) + ")")));
    }
    return targets;
  }

  private static Optional<Ratio> ofDuckDb(List<TextWritersVsDuckDb.Round> rounds) {
    return Ratio.of(rounds.stream().mapToDouble(round -> round.fdbe() / round.duckDbOneThread()).toArray());
  }

  private static List<TextWritersVsDuckDb.Round> of(List<TextWritersVsDuckDb.Round> rounds, FileFormat format) {
    return rounds.stream().filter(round -> round.format() == format).toList();
  }
}
