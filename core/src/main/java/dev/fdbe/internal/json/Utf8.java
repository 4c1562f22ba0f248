package dev.fdbe.internal.json;

/**
 * Whether {@code text.getBytes(UTF_8)} is a text's exact encoding. It is unless the text holds a lone
 * surrogate, which Java encodes as {@code ?}; a value whose bytes are not exact must not be copied
 * as bytes where the text would be written (escaped or refused) differently.
 */
public final class Utf8 {
  private static final long QUESTION_MARKS = Swar.broadcast('?');

  private Utf8() {}

  /**
   * Whether {@code utf8}, made by {@code text.getBytes(UTF_8)}, is the text's exact encoding.
   * Conservative: false for a text with any {@code ?} that is not all single-byte characters.
   */
  public static boolean encodesExactly(String text, byte[] utf8) {
    int length = utf8.length;
    int i = 0;
    while (i <= length - Swar.WIDTH && !Swar.hasByte(Swar.word(utf8, i), QUESTION_MARKS)) {
      i += Swar.WIDTH;
    }
    return i == length || encodesExactlyFrom(text, utf8, i);
  }

  /** {@link #encodesExactly} for a text whose bytes before {@code i} are known to hold no {@code ?}. */
  public static boolean encodesExactlyFrom(String text, byte[] utf8, int i) {
    boolean aligned = utf8.length == text.length(); // then every char is one byte, at its own index
    for (; i < utf8.length; i++) {
      if (utf8[i] == '?' && (!aligned || text.charAt(i) != '?')) {
        return false;
      }
    }
    return true;
  }
}
