package dev.fdbe.internal;

import dev.fdbe.Compression;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileFormat;
import dev.fdbe.InvalidRequestException;
import dev.fdbe.Model;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The request rules of API.md, each a 400 with the API's message. The first rule broken is
 * reported.
 */
public final class RequestValidator {
  /** The most event names in {@code include} or {@code exclude}. */
  public static final int MAX_EVENT_NAMES = 1000;
  /** The longest event name. */
  public static final int MAX_EVENT_NAME_LENGTH = 1000;

  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

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
    checkFilters(request.model(), "include", request.include());
    checkFilters(request.model(), "exclude", request.exclude());
    checkFile(request);
    checkInterval(request.dataIntervalStart(), request.dataIntervalEnd());
  }

  private static void checkFilters(Model model, String field, List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    if (model != Model.EVENTS) {
      throw new InvalidRequestException(field,
          "'" + field + "' can only be used with model 'events', not '" + model.wireName() + "'");
    }
    if (names.size() > MAX_EVENT_NAMES) {
      throw new InvalidRequestException(field,
          "'" + field + "' holds " + names.size() + " event names; at most " + MAX_EVENT_NAMES + " are allowed");
    }
    for (String name : names) {
      if (name.isBlank()) {
        throw new InvalidRequestException(field, "'" + field + "' must hold non-empty event names");
      }
      if (name.length() > MAX_EVENT_NAME_LENGTH) {
        throw new InvalidRequestException(field, "'" + field + "' holds an event name longer than "
            + MAX_EVENT_NAME_LENGTH + " characters");
      }
    }
  }

  private void checkFile(ExportRequest request) {
    FileFormat format = request.file().format();
    Set<Compression> compressions = available.get(format);
    if (compressions == null) {
      throw new InvalidRequestException("file", "file format '" + format.wireName()
          + "' is not available in this installation; available formats: " + available.keySet());
    }
    Compression compression = request.file().compression();
    if (!compressions.contains(compression)) {
      throw new InvalidRequestException("file", "compression '" + compression + "' is not available for format '"
          + format.wireName() + "' in this installation; available: " + compressions);
    }
  }

  private void checkInterval(Instant start, Instant end) {
    checkYear("data_interval_start", start);
    checkYear("data_interval_end", end);
    if (!end.isAfter(start)) {
      throw new InvalidRequestException("data_interval_end",
          "'data_interval_end' must occur after 'data_interval_start'");
    }
    if (Duration.between(start, end).compareTo(maxIntervalLength) > 0) {
      throw new InvalidRequestException("data_interval_end", "data interval range too big");
    }
    if (end.isAfter(clock.instant())) {
      throw new InvalidRequestException("data_interval_end",
          "The provided 'data_interval_end' (" + end + ") is in the future");
    }
  }

  private static void checkYear(String field, Instant value) {
    if (value.isBefore(EARLIEST)) {
      throw new InvalidRequestException(field, "'" + field + "' must not be before year 1, got " + value);
    }
  }
}
