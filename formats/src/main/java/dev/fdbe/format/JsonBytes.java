package dev.fdbe.format;

import dev.fdbe.internal.json.JsonSyntax;
import dev.fdbe.internal.json.Utf8;
import org.jspecify.annotations.Nullable;

/**
 * JSON written straight into a {@link RowBuffer} as UTF-8 bytes, for the values the text writers
 * write most (strings, timestamps, JSON documents), without Jackson's generator and its
 * char-by-char encoding. The output is byte for byte what the shared generator of {@link Json}
 * writes for the same value: quotes, backslashes and control characters are escaped as it escapes
 * them (the short forms {@code \b \t \n \f \r}, else {@code \}{@code u00XX} with upper-case hex
 * digits), and so are characters outside the Basic Multilingual Plane in strings, as their two
 * surrogates; every other character is written as its UTF-8 bytes.
 *
 * <p>Java encodes a lone surrogate as {@code ?}, where the generator escapes it or refuses the row:
 * the methods here write nothing and answer false when the bytes may not be the text's exact
 * encoding, and the writer leaves that value to the generator.
 */
public final class JsonBytes {
  /**
   * Per byte: 0 when it stands for itself in a JSON string, else the letter of its escape,
   * {@link #SUPPLEMENTARY} for the first byte of a four-byte character or {@link #QUESTION_MARK}.
   */
  private static final byte[] ESCAPES = new byte[256];
  private static final byte SUPPLEMENTARY = 'S';
  /** Marks {@code ?} in {@link #ESCAPES}: it stands for itself, but may stand for a lone surrogate. */
  private static final byte QUESTION_MARK = 'Q';
  private static final byte[] HEX = {'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F'};

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = 'u';
    }
    ESCAPES['\b'] = 'b';
    ESCAPES['\t'] = 't';
    ESCAPES['\n'] = 'n';
    ESCAPES['\f'] = 'f';
    ESCAPES['\r'] = 'r';
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['?'] = QUESTION_MARK;
    for (int b = 0xf0; b < 0x100; b++) {
      ESCAPES[b] = SUPPLEMENTARY;
    }
  }

  private JsonBytes() {}

  /**
   * Writes a text as a JSON string literal, quoted and escaped, from its UTF-8 bytes {@code utf8}
   * ({@code text.getBytes(UTF_8)}), unless they are not its exact encoding or the text holds a
   * character outside the Basic Multilingual Plane: then it writes nothing and answers false, and the
   * caller leaves the string to the generator.
   */
  public static boolean writeString(RowBuffer into, String text, byte[] utf8) {
    return write(into, utf8, text);
  }

  /**
   * {@link #writeString(RowBuffer, String, byte[])} for bytes known to be exactly their text's
   * encoding ({@link dev.fdbe.internal.json.Utf8Row#stringUtf8}): false, with nothing written, only
   * when the text holds a character outside the Basic Multilingual Plane.
   */
  public static boolean writeExactString(RowBuffer into, byte[] utf8) {
    return write(into, utf8, null);
  }

  /** Writes the string; {@code text} is null when the bytes are known to be its exact encoding. */
  private static boolean write(RowBuffer into, byte[] utf8, @Nullable String text) {
    int length = utf8.length;
    int first = 0;
    while (first < length && ESCAPES[utf8[first] & 0xff] == 0) {
      first++;
    }
    if (first == length) {
      byte[] out = into.reserve(length + 2);
      int at = into.size();
      out[at] = '"';
      System.arraycopy(utf8, 0, out, at + 1, length);
      out[at + 1 + length] = '"';
      into.advance(length + 2);
      return true;
    }
    if (text != null && !Utf8.encodesExactlyFrom(text, utf8, first)) {
      return false;
    }
    for (int i = first; i < length; i++) {
      if (ESCAPES[utf8[i] & 0xff] == SUPPLEMENTARY) {
        return false;
      }
    }
    into.write('"');
    int from = 0;
    for (int i = first; i < length; i++) {
      int escape = ESCAPES[utf8[i] & 0xff];
      if (escape != 0 && escape != QUESTION_MARK) {
        into.write(utf8, from, i - from);
        writeEscape(into, utf8[i], escape);
        from = i + 1;
      }
    }
    into.write(utf8, from, length - from);
    into.write('"');
    return true;
  }

  private static void writeEscape(RowBuffer into, byte b, int escape) {
    into.write('\\');
    if (escape != 'u') {
      into.write(escape);
      return;
    }
    into.write('u');
    into.write('0');
    into.write('0');
    into.write(HEX[(b >> 4) & 0xf]);
    into.write(HEX[b & 0xf]);
  }

  /** Writes a timestamp as a JSON string, as {@link IsoTimestamps} formats it. */
  public static void writeTimestamp(RowBuffer into, long micros) {
    into.write('"');
    into.writeTimestamp(micros);
    into.write('"');
  }

  /**
   * Writes a JSON column's value as an embedded document when that is certain without the parser:
   * the fast check certifies it as the engine's reading thread would ({@link JsonSyntax#certifies}:
   * one valid document on one line, {@code utf8} its exact encoding). Then it is written as
   * {@link #writeDocument} writes it; otherwise nothing is written and the answer is false, and the
   * caller decides with {@link Json#isValid} as before.
   */
  public static boolean writeCheckedDocument(RowBuffer into, String text, byte[] utf8) {
    if (!JsonSyntax.certifies(text, utf8)) {
      return false;
    }
    writeDocument(into, utf8);
    return true;
  }

  /**
   * Writes the UTF-8 bytes of one valid document on one line ({@link JsonSyntax#certify}) without
   * the surrounding whitespace, which can only be spaces and tabs: what the generator's raw write of
   * the stripped text writes.
   */
  public static void writeDocument(RowBuffer into, byte[] utf8) {
    int from = 0;
    int to = utf8.length;
    while (utf8[from] == ' ' || utf8[from] == '\t') {
      from++;
    }
    while (utf8[to - 1] == ' ' || utf8[to - 1] == '\t') {
      to--;
    }
    into.write(utf8, from, to - from);
  }
}
