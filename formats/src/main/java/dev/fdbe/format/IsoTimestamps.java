package dev.fdbe.format;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Timestamps as ISO-8601 UTC text with exactly six fractional digits and a {@code Z}, e.g.
 * {@code 2026-11-20T12:34:56.123456Z}, the form CSV and JSON Lines files hold. Formatting
 * writes into a caller's buffer without allocating.
 *
 * <p>A writer's {@link RowBuffer} holds an instance, which formats the same way and remembers the
 * date of the last day it wrote: rows in time order write it again and again, and working a date out
 * of a day number is the dearer half of a timestamp.
 */
public final class IsoTimestamps {
  /** The length of a formatted timestamp in years 0000 to 9999. */
  public static final int LENGTH = 27;

  private static final long MICROS_PER_DAY = 86_400_000_000L;
  private static final long MIN_MICROS = -62_167_219_200_000_000L; // 0000-01-01T00:00:00Z
  private static final long MAX_MICROS = 253_402_300_799_999_999L; // 9999-12-31T23:59:59.999999Z

  /** The most bytes {@link #format(long, byte[], int)} writes, for any {@code long}. */
  public static final int MAX_LENGTH = 40;

  /** {@code yyyy-mm-dd}. */
  private static final int DATE_LENGTH = 10;
  /** The two ASCII digits of each number from 0 to 99, one after the other. */
  private static final byte[] PAIRS = new byte[200];

  static {
    for (int i = 0; i < 100; i++) {
      PAIRS[2 * i] = (byte) ('0' + i / 10);
      PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
    }
  }

  /** The day (since 1970-01-01) whose date {@link #date} holds; none before the first write. */
  private long day = Long.MIN_VALUE;
  private final byte[] date = new byte[DATE_LENGTH];

  /** A formatter that remembers the last day's date; for one thread at a time. */
  IsoTimestamps() {}

  /** Writes the timestamp as {@link #format(long, byte[], int)} does, and returns its length. */
  int write(long micros, byte[] buffer, int at) {
    if (micros < MIN_MICROS || micros > MAX_MICROS) {
      return format(micros, buffer, at);
    }
    long days = Math.floorDiv(micros, MICROS_PER_DAY);
    if (days != day) {
      writeDate(days, date, 0);
      day = days;
    }
    System.arraycopy(date, 0, buffer, at, DATE_LENGTH);
    writeTime(Math.floorMod(micros, MICROS_PER_DAY), buffer, at);
    return LENGTH;
  }

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
    writeDate(Math.floorDiv(micros, MICROS_PER_DAY), buffer, at);
    writeTime(Math.floorMod(micros, MICROS_PER_DAY), buffer, at);
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

  /** Writes {@code yyyy-mm-dd} of a day since 1970-01-01 in years 0000 to 9999 from {@code at}. */
  private static void writeDate(long days, byte[] buffer, int at) {
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
    twoDigits(buffer, at, year / 100);
    twoDigits(buffer, at + 2, year % 100);
    buffer[at + 4] = '-';
    twoDigits(buffer, at + 5, month);
    buffer[at + 7] = '-';
    twoDigits(buffer, at + 8, day);
  }

  /** Writes {@code Thh:mm:ss.ffffffZ} after the date that starts at {@code at}. */
  private static void writeTime(long microsOfDay, byte[] buffer, int at) {
    int secondOfDay = (int) (microsOfDay / 1_000_000);
    int fraction = (int) (microsOfDay % 1_000_000);
    buffer[at + 10] = 'T';
    twoDigits(buffer, at + 11, secondOfDay / 3600);
    buffer[at + 13] = ':';
    twoDigits(buffer, at + 14, (secondOfDay / 60) % 60);
    buffer[at + 16] = ':';
    twoDigits(buffer, at + 17, secondOfDay % 60);
    buffer[at + 19] = '.';
    int high = fraction / 10_000;
    int low = fraction - high * 10_000;
    twoDigits(buffer, at + 20, high);
    twoDigits(buffer, at + 22, low / 100);
    twoDigits(buffer, at + 24, low % 100);
    buffer[at + 26] = 'Z';
  }

  private static void twoDigits(byte[] buffer, int at, int value) {
    buffer[at] = PAIRS[2 * value];
    buffer[at + 1] = PAIRS[2 * value + 1];
  }

}
