package dev.fdbe.benchmarks;

import dev.fdbe.Compression;
import dev.fdbe.FileFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The report's Parquet writer against its peers, and every Parquet target's one home: from {@link
 * ParquetVsPeers}' alternating rounds for each codec they measured, each target a {@link Ratio} (the
 * median of the per-round ratios); from the suite's JMH lines only for a codec without rounds (a
 * report of the suite before them), where one fork ran after the other and a busy minute can swing a
 * ratio by half.
 */
final class ParquetLines {
  /** The Parquet peer that writes with the library everyone reaches for. */
  static final String AVRO = "AvroParquetWriter + GenericRecord";
  /** The Parquet writer keeps at least this share of the Avro peer's rows/s, for every codec. */
  static final double OF_AVRO = 1.0;
  /** The Parquet writer keeps at least this share of DuckDB's {@code COPY} with one thread… */
  static final double OF_DUCKDB = 0.8;
  /** …for these codecs (DuckDB's own others are not what a user compares against). */
  static final List<Compression> DUCKDB_CODECS = List.of(Compression.NONE, Compression.ZSTD);

  private ParquetLines() {}

  /** The table of the rounds per codec, in Markdown; empty without rounds. */
  static String markdown(List<ParquetVsPeers.Round> rounds) {
    if (rounds.isEmpty()) {
      return "";
    }
    StringBuilder md = new StringBuilder("Parquet writers alternating in one JVM (`ParquetVsPeers`: in each round")
        .append(" every writer writes for about a second, in turn), rows/s the median of the rounds, ratios the")
        .append(" median (min–max) of the per-round ratios:\n\n| compression | rounds | fdbe | ").append(AVRO)
        .append(" | DuckDB COPY 1 thread | fdbe ÷ Avro | fdbe ÷ DuckDB 1 thread |\n|---|--:|--:|--:|--:|--:|--:|\n");
    for (Compression codec : codecs(rounds)) {
      List<ParquetVsPeers.Round> these = of(rounds, codec);
      md.append("| ").append(codec.name().toLowerCase(Locale.ROOT)).append(" | ").append(these.size()).append(" | ")
          .append(medianRate(these, ParquetVsPeers.Round::fdbe)).append(" | ")
          .append(medianRate(these, ParquetVsPeers.Round::avro)).append(" | ")
          .append(medianRate(withDuckDb(these), ParquetVsPeers.Round::duckDbOneThread)).append(" | ")
          .append(ofAvro(these).map(Ratio::figures).orElse("–")).append(" | ")
          .append(ofDuckDb(these).map(Ratio::figures).orElse("–")).append(" |\n");
    }
    return md.toString();
  }

  /**
   * The Parquet targets: the writer ≥ {@value #OF_AVRO}× the Avro peer for every codec, ≥ {@value
   * #OF_DUCKDB}× DuckDB with one thread for {@link #DUCKDB_CODECS}; from the rounds of a codec when
   * it has any, else from its JMH line.
   */
  static List<Report.Target> targets(List<Report.WriterLine> writers, List<ParquetVsPeers.Round> rounds) {
    List<Report.Target> targets = new ArrayList<>();
    for (Compression codec : Compression.values()) {
      List<ParquetVsPeers.Round> these = of(rounds, codec);
      if (!these.isEmpty()) {
        ofAvro(these).ifPresent(r -> targets.add(new Report.Target(label(codec) + " writer ≥ " + AVRO
            + alternating(r), r.median() >= OF_AVRO, r.figures())));
      } else {
        jmhLine(writers, codec).filter(line -> line.peer() != null).ifPresent(line -> targets.add(new Report.Target(
            line.label() + " writer ≥ " + line.peerName(), line.fdbe() >= OF_AVRO * line.peer(), jmh(line.fdbe(),
                line.peer()))));
      }
    }
    for (Compression codec : DUCKDB_CODECS) {
      List<ParquetVsPeers.Round> these = of(rounds, codec);
      String name = label(codec) + " ≥ " + OF_DUCKDB + "× DuckDB COPY (1 thread)";
      if (!these.isEmpty()) {
        ofDuckDb(these).ifPresent(r -> targets.add(new Report.Target(name + alternating(r), r.median() >= OF_DUCKDB,
            r.figures())));
      } else {
        jmhLine(writers, codec).filter(line -> line.duckDbOneThread() != null).ifPresent(line -> targets.add(
            new Report.Target(name, line.fdbe() >= OF_DUCKDB * line.duckDbOneThread(), jmh(line.fdbe(),
                line.duckDbOneThread()))));
      }
    }
    return targets;
  }

  private static String alternating(Ratio ratio) {
    return " (median of " + ratio.rounds() + " alternating rounds)";
  }

  private static String jmh(double fdbe, double peer) {
    return Report.rate(fdbe) + " vs " + Report.rate(peer) + " rows/s (" + Report.percent(fdbe / peer) + ")";
  }

  private static String label(Compression codec) {
    return FileFormat.PARQUET.wireName() + " " + codec.name().toLowerCase(Locale.ROOT);
  }

  private static Optional<Report.WriterLine> jmhLine(List<Report.WriterLine> writers, Compression codec) {
    return writers.stream().filter(line -> line.format() == FileFormat.PARQUET && line.compression() == codec)
        .findFirst();
  }

  private static Optional<Ratio> ofAvro(List<ParquetVsPeers.Round> rounds) {
    return Ratio.of(rounds.stream().mapToDouble(round -> round.fdbe() / round.avro()).toArray());
  }

  private static Optional<Ratio> ofDuckDb(List<ParquetVsPeers.Round> rounds) {
    return Ratio.of(withDuckDb(rounds).stream().mapToDouble(round -> round.fdbe() / round.duckDbOneThread())
        .toArray());
  }

  private static List<ParquetVsPeers.Round> withDuckDb(List<ParquetVsPeers.Round> rounds) {
    return rounds.stream().filter(round -> round.duckDbOneThread() != null).toList();
  }

  private static List<Compression> codecs(List<ParquetVsPeers.Round> rounds) {
    return rounds.stream().map(ParquetVsPeers.Round::codec).distinct().toList();
  }

  private static List<ParquetVsPeers.Round> of(List<ParquetVsPeers.Round> rounds, Compression codec) {
    return rounds.stream().filter(round -> round.codec() == codec).toList();
  }

  private static String medianRate(List<ParquetVsPeers.Round> rounds, ToDoubleFunction<ParquetVsPeers.Round> rate) {
    if (rounds.isEmpty()) {
      return "–";
    }
    double[] rates = rounds.stream().mapToDouble(rate).toArray();
    Arrays.sort(rates);
    return Report.rate(Ratio.median(rates));
  }
}
