package dev.fdbe;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A half-open interval of time: {@code start} inclusive, {@code end} exclusive, start before end.
 * It is the data interval of a run ({@link ExportRequest#dataInterval()}).
 *
 * <p>A range is whole once made: the constructor refuses an end or start before year 1, truncates
 * both ends to microseconds (the precision every run store and file keeps, so the range is the one
 * that is stored and exported), and then refuses a start that is not before the end. Nothing checks
 * a range again. Its errors are {@link InvalidRequestException}s naming the request fields of
 * the HTTP API, {@code data_interval_start} and {@code data_interval_end}, with the API's messages.
 *
 * @param start the first instant inside the range, truncated to microseconds
 * @param end the first instant after the range, truncated to microseconds
 */
public record TimeRange(Instant start, Instant end) {
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

  /**
   * @throws InvalidRequestException when an end lies before year 1, or start is not before end once
   *     both are truncated to microseconds
   */
  public TimeRange {
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    checkYear("data_interval_start", start);
    checkYear("data_interval_end", end);
    start = start.truncatedTo(ChronoUnit.MICROS);
    end = end.truncatedTo(ChronoUnit.MICROS);
    if (!start.isBefore(end)) {
      throw new InvalidRequestException("data_interval_end",
          "'data_interval_end' must occur after 'data_interval_start'");
    }
  }

  // Year 1 is a microsecond boundary, so checking before truncating gives the same answer while the
  // message shows the value as given.
  private static void checkYear(String field, Instant value) {
    if (value.isBefore(EARLIEST)) {
      throw new InvalidRequestException(field, "'" + field + "' must not be before year 1, got " + value);
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
