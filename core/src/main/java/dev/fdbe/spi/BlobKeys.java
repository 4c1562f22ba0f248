package dev.fdbe.spi;

import java.util.regex.Pattern;

/**
 * The patterns behind {@link BlobStore#requireValidKey} and {@link BlobStore#requireValidPrefix}.
 * They live here because an interface cannot hold private fields.
 */
final class BlobKeys {
  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._=-]+(/[A-Za-z0-9._=-]+)*");
  private static final Pattern DOTS = Pattern.compile("(^|/)\\.{1,2}(/|$)");

  private BlobKeys() {}

  /**
   * Whether a key is non-empty segments of {@code [A-Za-z0-9._=-]} joined by {@code /}, none of
   * them {@code .} or {@code ..}.
   */
  static boolean isValid(String key) {
    return KEY.matcher(key).matches() && !DOTS.matcher(key).find();
  }
}
