package dev.fdbe.internal;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Instants as microseconds since the epoch, the precision every store and file keeps. */
public final class Micros {
  private static final long PER_SECOND = 1_000_000L;

  /** Microseconds since the epoch, truncating finer precision (toward the past). */
  public static long of(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), PER_SECOND), instant.getNano() / 1000);
  }

  /**
   * Microseconds since the epoch for a bound of a query, saturated at the ends of what a long
   * holds: an instant beyond them (Java's instants reach a billion years) is further than anything
   * stored, so the saturated bound selects the same entries and never overflows.
   */
  public static long bound(Instant instant) {
    try {
      return of(instant);
    } catch (ArithmeticException e) {
      return instant.isBefore(Instant.EPOCH) ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  /** The instant {@code micros} microseconds after the epoch (before it when negative). */
  public static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(Math.floorDiv(micros, PER_SECOND), Math.floorMod(micros, PER_SECOND) * 1000L);
  }

  /** The instant truncated to microseconds. */
  public static Instant truncate(Instant instant) {
    return instant.truncatedTo(ChronoUnit.MICROS);
  }

  private Micros() {}
}
