package dev.fdbe.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Timestamps as ISO-8601 UTC text with exactly six fractional digits and a {@code Z}, e.g.
 * {@code 2026-11-20T12:34:56.123456Z}, the form CSV and JSON Lines files hold. Formatting
 * writes into a caller's buffer without allocating.
 */
public final class IsoTimestamps {
  /** The length of a formatted timestamp in years 0000 to 9999. */
  public static final int LENGTH = 27;

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long MIN_MICROS = -62_167_219_200_000_000L; // 0000-01-01T00:00:00Z
  private static final long MAX_MICROS = 253_402_300_799_999_999L; // 9999-12-31T23:59:59.999999Z

  /** The most bytes {@link #format(long, byte[], int)} writes, for any {@code long}. */
  public static final int MAX_LENGTH = 40;

  /**
   * Writes the timestamp as ASCII bytes into {@code buffer} from index {@code at}.
   *
   * @return the number of bytes written: {@link #LENGTH} for years 0000 to 9999, more outside them
   *     but never more than {@link #MAX_LENGTH}
   */
  public static int format(long micros, byte[] buffer, int at) {
    if (micros < MIN_MICROS || micros > MAX_MICROS) {
      String text = formatWide(micros);
      for (int i = 0; i < text.length(); i++) {
        buffer[at + i] = (byte) text.charAt(i);
      }
      return text.length();
    }
    long days = Math.floorDiv(micros, MICROS_PER_DAY);
    long microsOfDay = Math.floorMod(micros, MICROS_PER_DAY);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    int year = (int) (yoe + era * 400 + (month <= 2 ? 1 : 0));

    int secondOfDay = (int) (microsOfDay / 1_000_000);
    int fraction = (int) (microsOfDay % 1_000_000);
    digits(buffer, at, year, 4);
    buffer[at + 4] = '-';
    twoDigits(buffer, at + 5, month);
    buffer[at + 7] = '-';
    twoDigits(buffer, at + 8, day);
    buffer[at + 10] = 'T';
    twoDigits(buffer, at + 11, secondOfDay / 3600);
    buffer[at + 13] = ':';
    twoDigits(buffer, at + 14, (secondOfDay / 60) % 60);
    buffer[at + 16] = ':';
    twoDigits(buffer, at + 17, secondOfDay % 60);
    buffer[at + 19] = '.';
    digits(buffer, at + 20, fraction, 6);
    buffer[at + 26] = 'Z';
    return LENGTH;
  }

  /** The timestamp as text. */
  public static String format(long micros) {
    byte[] buffer = new byte[MAX_LENGTH];
    return new String(buffer, 0, format(micros, buffer, 0), StandardCharsets.US_ASCII);
  }

  /**
   * Parses text written by {@link #format}; also accepts any ISO-8601 instant {@link Instant#parse}
   * reads.
   *
   * @throws IllegalArgumentException naming the text when it is not an ISO-8601 instant
   */
  public static Instant parse(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("not an ISO-8601 timestamp: '" + text + "'", e);
    }
  }

  private static String formatWide(long micros) {
    Instant instant = Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1000L);
    String text = instant.toString(); // e.g. +10000-01-01T00:00:00Z, fraction trimmed
    int dot = text.indexOf('.');
    String base = dot < 0 ? text.substring(0, text.length() - 1) : text.substring(0, dot);
    String fraction = Long.toString(1_000_000L + Math.floorMod(micros, 1_000_000L)).substring(1);
    return base + "." + fraction + "Z";
  }

  private static void digits(byte[] buffer, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      buffer[i] = (byte) ('0' + value % 10);
      value /= 10;
    }
  }

  private static void twoDigits(byte[] buffer, int at, int value) {
    buffer[at] = (byte) ('0' + value / 10);
    buffer[at + 1] = (byte) ('0' + value % 10);
  }

  private IsoTimestamps() {}
}
