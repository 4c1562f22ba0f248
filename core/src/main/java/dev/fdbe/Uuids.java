package dev.fdbe;

import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/** Strict UUID parsing: {@link UUID#fromString} accepts odd forms such as {@code 1-1-1-1-1}. */
final class Uuids {
  private static final Pattern CANONICAL =
      Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  static Optional<UUID> parse(String text) {
    if (text == null || text.length() != 36 || !CANONICAL.matcher(text).matches()) {
      return Optional.empty();
    }
    return Optional.of(UUID.fromString(text.toLowerCase(Locale.ROOT)));
  }

  private Uuids() {}
}
