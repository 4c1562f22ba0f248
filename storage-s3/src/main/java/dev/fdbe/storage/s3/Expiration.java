package dev.fdbe.storage.s3;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/*
 * Reads S3's x-amz-expiration header, which HeadObject returns when a lifecycle rule of the bucket
 * will delete the object: expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="rule name".
 * A header that does not parse is logged and ignored: the engine then applies its own retention,
 * which is the safe side (the file is listed no longer than the library allows).
 */
final class Expiration {
  private static final Logger LOG = LoggerFactory.getLogger(Expiration.class);
  private static final Pattern EXPIRY_DATE = Pattern.compile("expiry-date=\"(?:[A-Za-z]{3}, )?([^\"]+) GMT\"");
  // The weekday is dropped before parsing: it adds nothing, and a wrong one must not lose the date.
  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("d MMM yyyy HH:mm:ss", Locale.ROOT);

  private Expiration() {}

  /** When the object expires, or null when the header is absent or has no readable expiry date. */
  static @Nullable Instant parse(@Nullable String header) {
    if (header == null || header.isBlank()) {
      return null;
    }
    Matcher matcher = EXPIRY_DATE.matcher(header);
    if (!matcher.find()) {
      LOG.warn("ignoring an x-amz-expiration header without expiry-date: {}", header);
      return null;
    }
    try {
      return LocalDateTime.parse(matcher.group(1), DATE).toInstant(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      LOG.warn("ignoring an x-amz-expiration header whose expiry-date does not parse: {}", header);
      return null;
    }
  }
}
