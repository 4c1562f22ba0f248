package dev.fdbe.benchmarks;

import dev.fdbe.FileFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * What the report makes of {@link PostgresWholeExport}'s measurements: per line the median
 * (min–max) of its rounds, and the ratios the targets are stated in, each a {@link Ratio}:
 * the median of the per-round ratios.
 */
final class PostgresLines {
  /** The source's select may take at most this many times the plain ordered read. */
  static final double SOURCE_OVER_PLAIN = 1.3;
  /** A text export keeps at least this share of the rows/s of psql reading the source's select. */
  static final double TEXT_OF_SOURCE = 0.85;
  /** Parquet, which encodes more per row, keeps at least this share. */
  static final double PARQUET_OF_SOURCE = 0.7;

  private PostgresLines() {}

  /**
   * Per round, rows/s of {@code over} ÷ rows/s of {@code under}, or seconds ÷ seconds when {@code
   * byTime}; empty when no round has both.
   */
  static Optional<Ratio> ratio(List<PostgresWholeExport.Measurement> measurements, String over, String under,
      boolean byTime) {
    return byTime ? ratioOf(measurements, over, under, PostgresWholeExport.Measurement::seconds)
        : ratioOf(measurements, over, under, PostgresWholeExport.Measurement::rowsPerSecond);
  }

  /**
   * Per round, the machine's busy core-seconds during {@code over} ÷ those during {@code under}: what
   * one costs the machine's CPU against the other; empty when no round has both known.
   */
  static Optional<Ratio> cpuRatio(List<PostgresWholeExport.Measurement> measurements, String over, String under) {
    return ratioOf(measurements.stream().filter(m -> m.cpuSeconds() > 0).toList(), over, under,
        PostgresWholeExport.Measurement::cpuSeconds);
  }

  private static Optional<Ratio> ratioOf(List<PostgresWholeExport.Measurement> measurements, String over,
      String under, ToDoubleFunction<PostgresWholeExport.Measurement> value) {
    Map<Integer, PostgresWholeExport.Measurement> unders = measurements.stream().filter(m -> m.name().equals(under))
        .collect(Collectors.toMap(PostgresWholeExport.Measurement::repetition, Function.identity(), (a, b) -> a));
    double[] ratios = measurements.stream()
        .filter(m -> m.name().equals(over) && unders.containsKey(m.repetition()))
        .mapToDouble(m -> value.applyAsDouble(m) / value.applyAsDouble(unders.get(m.repetition())))
        .toArray();
    return Ratio.of(ratios);
  }

  /** The share of psql's rows/s of the source's select that an export of this format is held to. */
  static double ofSource(FileFormat format) {
    return format == FileFormat.PARQUET ? PARQUET_OF_SOURCE : TEXT_OF_SOURCE;
  }

  /** The table and the ratios, in Markdown; empty without measurements. */
  static String markdown(List<PostgresWholeExport.Measurement> measurements) {
    if (measurements.isEmpty()) {
      return "";
    }
    Map<String, List<PostgresWholeExport.Measurement>> byName = measurements.stream().collect(
        Collectors.groupingBy(PostgresWholeExport.Measurement::name, LinkedHashMap::new, Collectors.toList()));
    StringBuilder md = new StringBuilder("Whole exports from PostgreSQL through the engine to local storage (one")
        .append(" worker, compression none), next to `psql \\copy` of the same interval to /dev/null (binary); the")
        .append(" lines alternated in each round; median (min–max) of the rounds, load average ")
        .append(spread(measurements, PostgresWholeExport.Measurement::loadAverage, PostgresLines::tenths))
        .append("; CPU is the core-seconds the whole machine was busy during the line, the database server's")
        .append(" included:\n\n| what | rows | rounds | seconds | rows/s | CPU, core·s |\n|---|--:|--:|--:|--:|--:|\n");
    byName.forEach((name, list) -> md.append("| ").append(name).append(" | ")
        .append(String.format(Locale.ROOT, "%,d", list.get(0).rows())).append(" | ").append(list.size()).append(" | ")
        .append(spread(list, PostgresWholeExport.Measurement::seconds, v -> String.format(Locale.ROOT, "%.2f", v)))
        .append(" | ").append(spread(list, PostgresWholeExport.Measurement::rowsPerSecond, Report::rate)).append(" | ")
        .append(list.stream().allMatch(m -> m.cpuSeconds() > 0)
            ? spread(list, PostgresWholeExport.Measurement::cpuSeconds, PostgresLines::tenths) : "–")
        .append(" |\n"));
    List<String> ratios = new ArrayList<>();
    ratio(measurements, PostgresWholeExport.SOURCE, PostgresWholeExport.PLAIN, true).ifPresent(
        r -> ratios.add("source select ÷ plain read, seconds: " + r.figures()));
    for (FileFormat format : FileFormat.values()) {
      String export = "export " + format.wireName();
      ratio(measurements, export, PostgresWholeExport.SOURCE, false).ifPresent(
          r -> ratios.add(export + " ÷ psql source select, rows/s: " + r.figures()));
      ratio(measurements, export, PostgresWholeExport.BOTH, false).ifPresent(
          r -> ratios.add(export + " ÷ psql source select + count, rows/s: " + r.figures()));
      cpuRatio(measurements, export, PostgresWholeExport.SOURCE).ifPresent(
          r -> ratios.add(export + " ÷ psql source select, machine CPU core·s: " + r.figures()));
    }
    if (!ratios.isEmpty()) {
      md.append("\nRatios, the median of the per-round ratios (min–max):\n\n");
      ratios.forEach(line -> md.append("- ").append(line).append('\n'));
    }
    return md.toString();
  }

  /** Median (min–max) of one value over the measurements, each figure written by {@code figure}. */
  private static String spread(List<PostgresWholeExport.Measurement> measurements,
      ToDoubleFunction<PostgresWholeExport.Measurement> value, DoubleFunction<String> figure) {
    double[] sorted = measurements.stream().mapToDouble(value).sorted().toArray();
    return figure.apply(Ratio.median(sorted)) + " (" + figure.apply(sorted[0]) + "–"
        + figure.apply(sorted[sorted.length - 1]) + ")";
  }

  private static String tenths(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }

  /** The targets: the source's select against the plain read, each export against that select. */
  static List<Report.Target> targets(List<PostgresWholeExport.Measurement> measurements) {
    List<Report.Target> targets = new ArrayList<>();
    ratio(measurements, PostgresWholeExport.SOURCE, PostgresWholeExport.PLAIN, true).ifPresent(r -> targets.add(
        new Report.Target("PostgreSQL: psql of the source select ≤ " + SOURCE_OVER_PLAIN + "× the time of the plain"
            + " ordered read (median of " + r.rounds() + " rounds)", r.median() <= SOURCE_OVER_PLAIN, r.figures())));
    for (FileFormat format : FileFormat.values()) {
      String export = "export " + format.wireName();
      ratio(measurements, export, PostgresWholeExport.SOURCE, false).ifPresent(r -> targets.add(
          new Report.Target("PostgreSQL: whole " + export + " ≥ " + ofSource(format) + "× the rows/s of psql of the"
              + " source select (median of " + r.rounds() + " rounds)", r.median() >= ofSource(format),
              r.figures())));
    }
    return targets;
  }
}
