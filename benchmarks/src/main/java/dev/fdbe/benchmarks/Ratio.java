package dev.fdbe.benchmarks;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * A ratio of two lines measured in alternating rounds: the median of the per-round ratios, with the
 * least and the most. Not the ratio of two medians: the lines of one round ran seconds apart, so the
 * load they shared cancels out of their ratio, which a ratio of medians taken from different rounds
 * would not do. {@link PostgresLines} and {@link ParquetLines} state their targets in it.
 *
 * @param rounds how many rounds had both lines
 */
record Ratio(double median, double min, double max, int rounds) {
  /** The ratio of these per-round ratios; empty when there are none. */
  static Optional<Ratio> of(double... perRound) {
    if (perRound.length == 0) {
      return Optional.empty();
    }
    double[] sorted = perRound.clone();
    Arrays.sort(sorted);
    return Optional.of(new Ratio(median(sorted), sorted[0], sorted[sorted.length - 1], sorted.length));
  }

  /** Median (min–max), as the report's tables and targets write a ratio. */
  String figures() {
    return String.format(Locale.ROOT, "%.2f× (%.2f–%.2f)", median, min, max);
  }

  /** The middle value of sorted values, or the mean of the two middle ones. */
  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
