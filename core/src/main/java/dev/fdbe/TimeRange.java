package dev.fdbe;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A half-open interval of time: {@code start} inclusive, {@code end} exclusive, start before end.
 *
 * @param start the first instant inside the range
 * @param end the first instant after the range
 */
public record TimeRange(Instant start, Instant end) {
  public TimeRange {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (!start.isBefore(end)) {
      throw new IllegalArgumentException("time range start " + start + " is not before end " + end);
    }
  }

  /** Whether the instant lies inside the range. */
  public boolean contains(Instant instant) {
    return !instant.isBefore(start) && instant.isBefore(end);
  }

  /** The length of the range. */
  public Duration length() {
    return Duration.between(start, end);
  }

  @Override
  public String toString() {
    return "[" + start + ", " + end + ")";
  }
}
