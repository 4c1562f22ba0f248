package dev.fdbe.server;

import dev.fdbe.AttemptId;
import dev.fdbe.FileId;
import dev.fdbe.NotFoundException;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.UrlEncoded;
import org.jspecify.annotations.Nullable;

/**
 * The one strict parser of everything a client writes as text: path segments, query parameters
 * and the date-times of a create request. Every endpoint parses through here, so each rule has
 * one home.
 *
 * <ul>
 *   <li><b>Numbers</b> (team ids, part indexes, {@code limit}, {@code offset}): ASCII digits, no
 *       sign, no leading zeros ({@code 0} itself is fine), no spaces, within range.
 *   <li><b>Ids</b> (runs, files, attempts): UUIDs in their 36-character form, either case.
 *   <li><b>Date-times</b>: {@code YYYY-MM-DD} (midnight UTC), or {@code YYYY-MM-DD} then {@code T}
 *       or a space, {@code HH:MM:SS}, an optional fraction of 1 to 9 digits, and {@code Z},
 *       {@code z}, {@code ±HH:MM} (at most 18 hours) or nothing (UTC); years 0001 to 9999, and
 *       the fields a real date and time.
 * </ul>
 *
 * <p>Anything else is an error naming the field: 400 for a query parameter or a body field, 404
 * for a path segment (a team or run that cannot exist is not found), and the contract's own 400
 * {@code Invalid file id or index} for a download's part. Callers decode percent-escapes first:
 * {@code %31} is {@code 1}.
 */
final class WireParser {
  private static final Pattern DECIMAL = Pattern.compile("0|[1-9][0-9]*");
  /** A time followed by a space and an offset without its sign: a {@code +} a query string read as a space. */
  private static final Pattern SIGNLESS_OFFSET = Pattern.compile(".*[0-9] [0-9]{2}:[0-9]{2}");
  private static final Pattern DATE_TIME = Pattern.compile("([0-9]{4})-([0-9]{2})-([0-9]{2})"
      + "(?:[T ]([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\\.([0-9]{1,9}))?(Z|z|[+-][0-9]{2}:[0-9]{2})?)?");
  static final String DATE_TIME_FORMS = "YYYY-MM-DD, or YYYY-MM-DDTHH:MM:SS[.fraction] followed by Z, ±HH:MM or"
      + " nothing (UTC), e.g. 2026-11-20T00:00:00Z";

  private WireParser() {}

  /** The value of canonical ASCII digits, or empty for anything else or a value above {@code Long.MAX_VALUE}. */
  static OptionalLong decimal(String text) {
    if (text.length() > 19 || !DECIMAL.matcher(text).matches()) {
      return OptionalLong.empty();
    }
    try {
      return OptionalLong.of(Long.parseLong(text));
    } catch (NumberFormatException e) {
      return OptionalLong.empty(); // 19 digits above Long.MAX_VALUE
    }
  }

  /**
   * A whole-number query parameter within [{@code min}, {@code max}].
   *
   * @throws ApiError 400 naming the parameter otherwise
   */
  static long queryInteger(String field, String text, long min, long max) {
    OptionalLong value = decimal(text);
    boolean digits = !text.isEmpty() && text.length() <= 40 && text.chars().allMatch(c -> c >= '0' && c <= '9');
    if (value.isEmpty() && !(digits && text.charAt(0) != '0')) {
      throw ApiError.invalid(field, "'" + field + "' must be an integer written in ASCII digits without sign or"
          + " leading zeros, got '" + shown(text) + "'");
    }
    if (value.isEmpty() || value.getAsLong() < min || value.getAsLong() > max) {
      throw ApiError.invalid(field, "'" + field + "' must be between " + min + " and " + max + ", got " + shown(text));
    }
    return value.getAsLong();
  }

  /**
   * The team of a URL's path.
   *
   * @throws ApiError 404 when the segment is not a canonical positive number
   */
  static TeamId team(String segment) {
    OptionalLong value = decimal(segment);
    if (value.isEmpty() || value.getAsLong() == 0) {
      throw ApiError.notFound("No project with id '" + shown(segment) + "'");
    }
    return TeamId.of(value.getAsLong());
  }

  /**
   * Team ids written as {@code 1,2,3} (the {@code keys} commands).
   *
   * @throws IllegalArgumentException naming the entry that is not a canonical positive number
   */
  static TeamId teamOption(String text) {
    OptionalLong value = decimal(text);
    if (value.isEmpty() || value.getAsLong() == 0) {
      throw new IllegalArgumentException("not a valid team id: '" + shown(text) + "'");
    }
    return TeamId.of(value.getAsLong());
  }

  /**
   * The run of a URL's path.
   *
   * @throws NotFoundException when the segment is not a UUID
   */
  static RunId run(String segment) {
    return RunId.tryParse(segment).orElseThrow(() -> NotFoundException.run(shown(segment)));
  }

  /**
   * A file of a run as a download URL names it: by id when {@code id} is set, else by its 0-based
   * index in key order.
   */
  record Part(@Nullable FileId id, long index) {}

  /**
   * The part of a download URL: absent or empty for the first file, a UUID for a file id, a
   * canonical number for an index.
   *
   * @throws ApiError 400 {@code Invalid file id or index: '<part>'} for anything else
   * @throws NotFoundException {@code No files with index <n>} for a number beyond any index
   */
  static Part part(@Nullable String segment) {
    if (segment == null || segment.isEmpty()) {
      return new Part(null, 0);
    }
    var id = FileId.tryParse(segment);
    if (id.isPresent()) {
      return new Part(id.get(), 0);
    }
    OptionalLong index = decimal(segment);
    if (index.isPresent()) {
      return new Part(null, index.getAsLong());
    }
    if (DECIMAL.matcher(segment).matches()) {
      throw new NotFoundException("No files with index " + segment);
    }
    throw ApiError.invalid("part", "Invalid file id or index: '" + shown(segment) + "'");
  }

  /**
   * An attempt id of a query parameter.
   *
   * @throws ApiError 400 naming the parameter when it is not a UUID
   */
  static AttemptId attempt(String field, String text) {
    return AttemptId.tryParse(text).orElseThrow(() -> ApiError.invalid(field,
        "'" + field + "' must be an attempt id (a UUID), got '" + shown(text) + "'"));
  }

  /**
   * A date-time of the forms above.
   *
   * @throws ApiError 400 naming the field otherwise
   */
  static Instant dateTime(String field, String text) {
    Matcher match = DATE_TIME.matcher(text);
    if (!match.matches()) {
      boolean lostPlus = SIGNLESS_OFFSET.matcher(text).matches();
      throw ApiError.invalid(field, "'" + field + "' must be an ISO-8601 date-time: " + DATE_TIME_FORMS + "; got '"
          + shown(text) + "'" + (lostPlus ? " (an offset needs its sign, and in a query string a '+' is read as a"
          + " space: send it as %2B)" : ""));
    }
    int year = Integer.parseInt(match.group(1));
    if (year < 1) {
      throw ApiError.invalid(field, "'" + field + "' must not be before year 1, got '" + shown(text) + "'");
    }
    try {
      LocalDate date = LocalDate.of(year, Integer.parseInt(match.group(2)), Integer.parseInt(match.group(3)));
      if (match.group(4) == null) {
        return date.atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      String fraction = match.group(7) == null ? "" : match.group(7);
      int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "00000000").substring(0, 9));
      LocalTime time = LocalTime.of(Integer.parseInt(match.group(4)), Integer.parseInt(match.group(5)),
          Integer.parseInt(match.group(6)), nanos);
      return LocalDateTime.of(date, time).toInstant(offset(match.group(8)));
    } catch (DateTimeException e) {
      throw ApiError.invalid(field, "'" + field + "' must be an ISO-8601 date-time, and '" + shown(text)
          + "' is not a real one (months 01-12, days of the month, hours 00-23, offsets up to ±18:00)");
    }
  }

  /**
   * The 400 for a query string whose percent-escapes do not decode (a {@code %} without two hex
   * digits, or bytes that are not UTF-8), naming the first parameter at fault: decoded with the same
   * decoder as the whole query, one {@code name=value} part at a time.
   */
  static ApiError malformedQuery(@Nullable String rawQuery) {
    for (String part : rawQuery == null ? new String[0] : rawQuery.split("&")) {
      int equals = part.indexOf('=');
      String rawName = equals < 0 ? part : part.substring(0, equals);
      if (decodes(part)) {
        continue;
      }
      String why = " (each '%' takes two hex digits, and the bytes they make must be UTF-8)";
      if (!decodes(rawName)) {
        return ApiError.invalid(null, "the query parameter name '" + shown(rawName) + "' is not percent-encoded UTF-8"
            + why);
      }
      Fields name = new Fields();
      UrlEncoded.decodeUtf8To(rawName, name);
      if (name.getNames().isEmpty()) {
        return ApiError.invalid(null, "a query parameter without a name has a value that is not percent-encoded UTF-8"
            + why);
      }
      String field = name.getNames().iterator().next();
      return ApiError.invalid(field, "'" + shown(field) + "' is not percent-encoded UTF-8: '"
          + shown(part.substring(equals + 1)) + "'" + why);
    }
    return ApiError.invalid(null, "the query string is not percent-encoded UTF-8");
  }

  private static boolean decodes(String query) {
    try {
      UrlEncoded.decodeUtf8To(query, new Fields());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Refuses text a database cannot store: NUL characters and unpaired surrogates. */
  static String checkText(String field, String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        throw ApiError.invalid(field, "'" + field + "' holds a NUL character");
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= value.length() || !Character.isLowSurrogate(value.charAt(i + 1))) {
          throw ApiError.invalid(field, "'" + field + "' holds an unpaired UTF-16 surrogate");
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        throw ApiError.invalid(field, "'" + field + "' holds an unpaired UTF-16 surrogate");
      }
    }
    return value;
  }

  /**
   * A value for an error message: shortened, with control characters, surrogates and invisible
   * format characters (such as a right-to-left override, which could make a message read
   * otherwise than it is) escaped as a backslash-u escape.
   */
  static String shown(String value) {
    StringBuilder shown = new StringBuilder();
    int limit = Math.min(value.length(), 100);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      boolean hidden = Character.isISOControl(c) || Character.isSurrogate(c) || Character.getType(c) == Character.FORMAT;
      shown.append(hidden ? String.format("\\u%04x", (int) c) : c);
    }
    return value.length() > limit ? shown + "..." : shown.toString();
  }

  private static ZoneOffset offset(@Nullable String text) {
    if (text == null || text.equals("Z") || text.equals("z")) {
      return ZoneOffset.UTC;
    }
    int sign = text.charAt(0) == '-' ? -1 : 1;
    int hours = Integer.parseInt(text.substring(1, 3));
    int minutes = Integer.parseInt(text.substring(4, 6));
    if (minutes > 59) {
      throw new DateTimeException("minutes of the offset");
    }
    return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
  }
}
