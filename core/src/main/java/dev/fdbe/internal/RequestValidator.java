package dev.fdbe.internal;

import dev.fdbe.Compression;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileFormat;
import dev.fdbe.InvalidRequestException;
import dev.fdbe.TimeRange;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The HTTP API's request rules that depend on the engine's settings, each a 400 with the API's
 * message: the formats and compressions it can write, the longest interval, and an interval that
 * ends in the future. The rules that need nothing but the request are its values' own
 * ({@link dev.fdbe.FileConfig}, {@link TimeRange}, {@link ExportRequest}), checked when they are
 * made; a request that reaches this class has passed them. The first rule broken is reported.
 */
public final class RequestValidator {
  private final Clock clock;
  private final Duration maxIntervalLength;
  private final Map<FileFormat, Set<Compression>> available;

  /**
   * @param clock the time against which "in the future" is judged
   * @param maxIntervalLength the longest allowed interval
   * @param available the formats and compressions the engine can write
   */
  public RequestValidator(Clock clock, Duration maxIntervalLength, Map<FileFormat, Set<Compression>> available) {
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxIntervalLength = Objects.requireNonNull(maxIntervalLength, "maxIntervalLength");
    this.available = Map.copyOf(available);
  }

  /**
   * Checks the request.
   *
   * @throws InvalidRequestException naming the field and the rule it breaks
   */
  public void validate(ExportRequest request) {
    checkFile(request);
    checkInterval(request.dataInterval());
  }

  private void checkFile(ExportRequest request) {
    FileFormat format = request.file().format();
    Set<Compression> compressions = available.get(format);
    if (compressions == null) {
      throw new InvalidRequestException("file", "file format '" + format.wireName()
          + "' is not available in this installation; " + (available.isEmpty()
          ? "no format writer is on the class path (add dev.fdbe:fdbe-formats)"
          : "available formats: " + available.keySet()));
    }
    Compression compression = request.file().compression();
    if (!compressions.contains(compression)) {
      throw new InvalidRequestException("file", "compression '" + compression + "' is not available for format '"
          + format.wireName() + "' in this installation; available: " + compressions);
    }
  }

  private void checkInterval(TimeRange interval) {
    if (interval.length().compareTo(maxIntervalLength) > 0) {
      throw new InvalidRequestException("data_interval_end", "data interval range too big");
    }
    if (interval.end().isAfter(clock.instant())) {
      throw new InvalidRequestException("data_interval_end",
          "The provided 'data_interval_end' (" + interval.end() + ") is in the future");
    }
  }
}
