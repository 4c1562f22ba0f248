package dev.fdbe.internal.json;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * A single pass over the UTF-8 bytes of a JSON text that answers "certainly one valid document" for
 * the common case without building tokens: strict RFC 8259 (no comments, no single quotes, no
 * leading zeros, no {@code NaN}, no raw control characters in strings), one value, surrounding
 * whitespace allowed.
 *
 * <p>It only ever short-circuits the answer "valid". A text it rejects, or one beyond the limits
 * where Jackson's read constraints could disagree (deep nesting, very long numbers or names), is
 * {@link #UNSURE} and goes to Jackson, so the formats' JSON validation answers exactly as Jackson's
 * parsers do.
 *
 * <p>JSON columns are validated for every row of every export; this keeps that cheap. The bytes must
 * be well-formed UTF-8 (as {@code String.getBytes(UTF_8)} makes them): bytes of multi-byte
 * characters are only allowed inside strings, and never taken for syntax.
 */
public final class JsonSyntax {
  /** The text is one valid JSON document. */
  public static final int VALID = 0;
  /** Ask the parser. */
  public static final int UNSURE = 1;

  /** Nesting deeper than this is left to the parser (whose default limit is higher): one bit per level. */
  private static final int MAX_DEPTH = Long.SIZE;
  /** Numbers and names longer than this are left to the parser (whose default limits are higher). */
  private static final int MAX_TOKEN = 200;
  private static final int FAIL = -1;
  /** Bytes that stand for themselves inside a string: all but the quote, the backslash and controls. */
  private static final boolean[] PLAIN = new boolean[256];
  private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long TWOS = Swar.broadcast(0x02);
  private static final long BACKSLASHES = Swar.broadcast('\\');
  /** {@code true}, {@code null} and {@code alse} (of {@code false}) as four bytes read by {@link #INTS}. */
  private static final int TRUE = word4("true");
  private static final int NULL = word4("null");
  private static final int ALSE = word4("alse");

  static {
    for (int c = 0x20; c < 256; c++) {
      PLAIN[c] = c != '"' && c != '\\';
    }
  }

  private JsonSyntax() {}

  /**
   * The UTF-8 bytes of a JSON column's value that the writers may copy as they are, or null: what
   * the engine's reading thread hands the writers ({@link Utf8Row}). Bytes are returned when
   * the check finds the text one valid document on one line (no CR or LF, which a valid document can
   * only hold as whitespace between tokens) and they are exactly its encoding
   * ({@link Utf8#encodesExactly}). Otherwise the writer decides from the text, as for any value.
   */
  public static byte @Nullable [] certify(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return certifies(text, utf8) ? utf8 : null;
  }

  /** Whether {@link #certify(String)} certifies the text whose UTF-8 bytes the caller has made already. */
  public static boolean certifies(String text, byte[] utf8) {
    return check(utf8, true) == VALID && Utf8.encodesExactly(text, utf8);
  }

  /**
   * {@link #certify(String)} for a source's UTF-8 bytes of a text, without the text: the bytes
   * themselves when they are all ASCII (so well-formed, and exactly the text's encoding) and one
   * valid document on one line; else null, and the caller certifies the text.
   */
  public static byte @Nullable [] certify(byte[] utf8) {
    return Swar.isAscii(utf8) && check(utf8, true) == VALID ? utf8 : null;
  }

  /** {@link #VALID} or {@link #UNSURE} for the UTF-8 bytes of a text. */
  public static int check(byte[] utf8) {
    return check(utf8, false);
  }

  /**
   * {@link #check(byte[])}; with {@code oneLine}, a CR or LF is not taken for whitespace, so a
   * document on several lines is {@link #UNSURE}. Only the rare slow path of whitespace asks.
   */
  private static int check(byte[] utf8, boolean oneLine) {
    int end = utf8.length;
    int p = skipWhitespace(utf8, 0, end, oneLine);
    p = p < end ? value(utf8, p, end, oneLine) : FAIL;
    return p != FAIL && skipWhitespace(utf8, p, end, oneLine) == end ? VALID : UNSURE;
  }

  /**
   * The position after the value that starts at {@code p}, or {@link #FAIL}. Containers are walked
   * without recursion; bit {@code d} of {@code objects} says whether the container open at depth
   * {@code d} is an object.
   */
  private static int value(byte[] b, int p, int end, boolean oneLine) {
    long objects = 0;
    int depth = 0;
    while (true) {
      // A value starts at p (whitespace skipped, p < end).
      byte c = b[p];
      if (c == '{' || c == '[') {
        boolean object = c == '{';
        p = skipWhitespace(b, p + 1, end, oneLine);
        if (p >= end) {
          return FAIL;
        }
        if (b[p] == (object ? '}' : ']')) {
          p++;
        } else {
          if (depth == MAX_DEPTH) {
            return FAIL;
          }
          objects = object ? objects | (1L << depth) : objects & ~(1L << depth);
          depth++;
          p = object ? member(b, p, end, oneLine) : p;
          if (p == FAIL) {
            return FAIL;
          }
          continue;
        }
      } else {
        p = scalar(b, p, end);
        if (p == FAIL) {
          return FAIL;
        }
      }
      // A value ended at p: close containers, or go on to the next element or member.
      while (true) {
        if (depth == 0) {
          return p;
        }
        p = skipWhitespace(b, p, end, oneLine);
        if (p >= end) {
          return FAIL;
        }
        byte next = b[p++];
        boolean object = (objects & (1L << (depth - 1))) != 0;
        if (next == ',') {
          p = skipWhitespace(b, p, end, oneLine);
          if (p >= end) {
            return FAIL;
          }
          if (object) {
            p = member(b, p, end, oneLine);
            if (p == FAIL) {
              return FAIL;
            }
          }
          break;
        }
        if (next != (object ? '}' : ']')) {
          return FAIL;
        }
        depth--;
      }
    }
  }

  /** A name at {@code p}, a colon, whitespace: the position of the member's value. */
  private static int member(byte[] b, int p, int end, boolean oneLine) {
    if (b[p] != '"') {
      return FAIL;
    }
    int after = string(b, p, end);
    if (after == FAIL || after - p > MAX_TOKEN) {
      return FAIL;
    }
    if (after < end - 1 && b[after] == ':' && b[after + 1] > ' ') {
      return after + 1; // the usual case: no whitespace around the colon
    }
    p = skipWhitespace(b, after, end, oneLine);
    if (p >= end || b[p] != ':') {
      return FAIL;
    }
    p = skipWhitespace(b, p + 1, end, oneLine);
    return p < end ? p : FAIL;
  }

  private static int scalar(byte[] b, int p, int end) {
    return switch (b[p]) {
      case '"' -> string(b, p, end);
      case 't' -> end - p >= 4 && (int) INTS.get(b, p) == TRUE ? p + 4 : FAIL;
      case 'f' -> end - p >= 5 && (int) INTS.get(b, p + 1) == ALSE ? p + 5 : FAIL;
      case 'n' -> end - p >= 4 && (int) INTS.get(b, p) == NULL ? p + 4 : FAIL;
      case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number(b, p, end);
      default -> FAIL;
    };
  }

  /** The four bytes of an ASCII word as {@link #INTS} reads them from an array. */
  private static int word4(String word) {
    return (int) INTS.get(word.getBytes(StandardCharsets.US_ASCII), 0);
  }

  /** The position after the string whose opening quote is at {@code p}. */
  private static int string(byte[] b, int p, int end) {
    p++;
    while (true) {
      if (p <= end - Swar.WIDTH) {
        long special = specialLanes(Swar.word(b, p));
        if (special == 0) {
          p += Swar.WIDTH;
          continue;
        }
        p += Swar.firstLane(special);
      } else {
        while (p < end && PLAIN[b[p] & 0xff]) {
          p++;
        }
        if (p >= end) {
          return FAIL;
        }
      }
      byte c = b[p++];
      if (c == '"') {
        return p;
      }
      if (c != '\\' || p >= end) {
        return FAIL; // a control character, or a backslash at the end
      }
      byte escaped = b[p++];
      if (escaped == 'u') {
        if (end - p < 4 || !hex(b[p]) || !hex(b[p + 1]) || !hex(b[p + 2]) || !hex(b[p + 3])) {
          return FAIL;
        }
        p += 4;
      } else if (escaped != '"' && escaped != '\\' && escaped != '/' && escaped != 'b' && escaped != 'f'
          && escaped != 'n' && escaped != 'r' && escaped != 't') {
        return FAIL;
      }
    }
  }

  /**
   * The lane mask ({@link Swar}) of the word's bytes that are not {@link #PLAIN}: quotes, backslashes
   * and controls. XOR with 0x02 turns the quote (0x22) into 0x20 and keeps the controls below 0x20,
   * so one test below 0x21 finds both.
   */
  private static long specialLanes(long word) {
    return Swar.lanesBelow(word ^ TWOS, 0x21) | Swar.lanesEqual(word, BACKSLASHES);
  }

  private static boolean hex(byte c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int number(byte[] b, int p, int end) {
    int start = p;
    if (b[p] == '-') {
      p++;
    }
    if (p >= end) {
      return FAIL;
    }
    if (b[p] == '0') {
      p++;
    } else if (b[p] >= '1' && b[p] <= '9') {
      p = digits(b, p, end);
    } else {
      return FAIL;
    }
    if (p < end && b[p] == '.') {
      int after = digits(b, p + 1, end);
      if (after == p + 1) {
        return FAIL;
      }
      p = after;
    }
    if (p < end && (b[p] == 'e' || b[p] == 'E')) {
      p++;
      if (p < end && (b[p] == '+' || b[p] == '-')) {
        p++;
      }
      int after = digits(b, p, end);
      if (after == p) {
        return FAIL;
      }
      p = after;
    }
    if (p - start > MAX_TOKEN) {
      return FAIL;
    }
    // A number must not run into a letter, digit or a multi-byte character ("01", "1x").
    if (p < end) {
      byte next = b[p];
      if (next < 0 || (next >= '0' && next <= '9') || (next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z')) {
        return FAIL;
      }
    }
    return p;
  }

  private static int digits(byte[] b, int p, int end) {
    while (p < end && b[p] >= '0' && b[p] <= '9') {
      p++;
    }
    return p;
  }

  private static int skipWhitespace(byte[] b, int p, int end, boolean oneLine) {
    if (p < end && b[p] > ' ') {
      return p; // the usual case, one comparison: JSON's four whitespace bytes are at most ' '
    }
    while (p < end) {
      byte c = b[p];
      if (c != ' ' && c != '\t' && (oneLine || (c != '\n' && c != '\r'))) {
        return p;
      }
      p++;
    }
    return p;
  }
}
