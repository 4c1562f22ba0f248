package dev.fdbe.storage.local;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/*
 * The Range header of a download (RFC 9110, section 14), read for a file of a known size. Only a
 * single range of bytes is served; everything else answers with the whole file, which RFC 9110
 * allows a server to do for any Range header it does not want to honour:
 *
 *   - no header, a unit other than "bytes", a syntax error (including last < first): the header is
 *     ignored (RFC 9110, 14.2: a server MUST ignore an unknown unit and MAY ignore an invalid one);
 *   - more than one range: ignored, the whole file is served (no multipart/byteranges);
 *   - an empty file: ignored, since no byte range of it can be expressed;
 *   - one range "a-b", "a-" or "-n": served when satisfiable, clamped to the file ("a-b" beyond the
 *     end ends at the last byte, "-n" longer than the file is the whole file);
 *   - one range that starts at or beyond the end, or "-0": unsatisfiable, a 416.
 *
 * Empty list elements ("bytes=0-9,") are skipped as RFC 9110 (5.6.1) asks. Numbers are ASCII
 * digits; one too large for a long saturates, so that "bytes=99999999999999999999-" is
 * unsatisfiable rather than invalid. Any count of digits is read without overflow or slowness.
 */
final class ByteRanges {
  /** What a request's Range header selects of a file. */
  sealed interface Selection permits Whole, Part, Unsatisfiable {}

  /** The whole file: no Range header, or one that is ignored. */
  record Whole() implements Selection {}

  /** Bytes {@code first} to {@code last} of the file, both included. */
  record Part(long first, long last) implements Selection {
    long length() {
      return last - first + 1;
    }
  }

  /** A single range that no byte of the file satisfies. */
  record Unsatisfiable() implements Selection {}

  private static final Whole WHOLE = new Whole();
  private static final Unsatisfiable UNSATISFIABLE = new Unsatisfiable();

  private ByteRanges() {}

  /** What the header selects of a file of {@code size} bytes; see the class comment. */
  static Selection select(@Nullable String header, long size) {
    if (header == null || size <= 0) {
      return WHOLE;
    }
    int equals = header.indexOf('=');
    if (equals < 0 || !header.substring(0, equals).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
      return WHOLE;
    }
    List<String> specs = new ArrayList<>();
    for (String element : header.substring(equals + 1).split(",", -1)) {
      String spec = element.strip();
      if (!spec.isEmpty()) {
        specs.add(spec);
      }
    }
    if (specs.size() != 1) {
      return WHOLE;
    }
    String spec = specs.get(0);
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return WHOLE;
    }
    String firstText = spec.substring(0, dash);
    String lastText = spec.substring(dash + 1);
    if (firstText.isEmpty()) {
      long suffix = number(lastText);
      if (suffix < 0) {
        return WHOLE;
      }
      return suffix == 0 ? UNSATISFIABLE : new Part(Math.max(0, size - suffix), size - 1);
    }
    long first = number(firstText);
    long last = lastText.isEmpty() ? Long.MAX_VALUE : number(lastText);
    if (first < 0 || last < 0 || last < first) {
      return WHOLE;
    }
    return first >= size ? UNSATISFIABLE : new Part(first, Math.min(last, size - 1));
  }

  /** The value of ASCII digits, saturated at {@link Long#MAX_VALUE}; -1 when the text is not digits. */
  private static long number(String text) {
    if (text.isEmpty()) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      int digit = c - '0';
      value = value > (Long.MAX_VALUE - digit) / 10 ? Long.MAX_VALUE : value * 10 + digit;
    }
    return value;
  }
}
