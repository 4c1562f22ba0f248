package dev.fdbe.internal.store;

import org.jspecify.annotations.Nullable;

/** The check both run stores make of the live progress an attempt reports. */
final class ProgressCounts {
  private ProgressCounts() {}

  /**
   * Checks the counts of {@link dev.fdbe.spi.RunStore#reportProgress}.
   *
   * @throws IllegalArgumentException naming the counts when one is negative
   */
  static void check(long records, long bytes, @Nullable Long recordsTotal) {
    if (records < 0 || bytes < 0 || recordsTotal != null && recordsTotal < 0) {
      throw new IllegalArgumentException("progress counts must not be negative: records " + records + ", bytes "
          + bytes + ", total " + recordsTotal);
    }
  }
}
