package dev.fdbe;

import java.util.Locale;
import java.util.Optional;

/** The level of a run log entry. */
public enum LogLevel {
  /** Detail for diagnosing a run. */
  DEBUG,
  /** What a run did: created, started, parts written, completed. */
  INFO,
  /** Something the user should know that did not stop the run, e.g. a value that is not valid JSON. */
  WARNING,
  /** Why an attempt or the run failed. */
  ERROR;

  /** The level named by {@code text}, ignoring case; e.g. {@code "warning"}. */
  public static Optional<LogLevel> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    String upper = text.trim().toUpperCase(Locale.ROOT);
    for (LogLevel level : values()) {
      if (level.name().equals(upper)) {
        return Optional.of(level);
      }
    }
    return Optional.empty();
  }
}
