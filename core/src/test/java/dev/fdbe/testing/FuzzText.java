package dev.fdbe.testing;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Turns a fuzzer's bytes into Java text for the fuzz tests. The seeds of a corpus are then plain
 * UTF-8 files a person can read and edit, while the fuzzer can still reach every {@code char},
 * including the unpaired surrogates that {@code String.getBytes(UTF_8)} cannot make.
 */
public final class FuzzText {
  private FuzzText() {}

  /**
   * The bytes as UTF-8, except that a three-byte sequence of a surrogate ({@code ED A0..BF xx},
   * which strict UTF-8 refuses) stands for that lone surrogate; any other byte that is not part of
   * a well-formed sequence becomes U+FFFD. Well-formed UTF-8 decodes as {@code new String(bytes,
   * UTF_8)} would.
   */
  public static String lenient(byte[] bytes) {
    StringBuilder text = new StringBuilder(bytes.length);
    int i = 0;
    while (i < bytes.length) {
      int b = bytes[i] & 0xff;
      if (b < 0x80) {
        text.append((char) b);
        i++;
        continue;
      }
      int more;
      int codePoint;
      int least;
      if (b >= 0xc2 && b <= 0xdf) {
        more = 1;
        codePoint = b & 0x1f;
        least = 0x80;
      } else if (b >= 0xe0 && b <= 0xef) {
        more = 2;
        codePoint = b & 0x0f;
        least = 0x800;
      } else if (b >= 0xf0 && b <= 0xf4) {
        more = 3;
        codePoint = b & 0x07;
        least = 0x10000;
      } else {
        text.append('\ufffd');
        i++;
        continue;
      }
      boolean whole = i + more < bytes.length;
      for (int k = 1; whole && k <= more; k++) {
        int next = bytes[i + k] & 0xff;
        whole = (next & 0xc0) == 0x80;
        codePoint = (codePoint << 6) | (next & 0x3f);
      }
      if (!whole || codePoint < least || codePoint > Character.MAX_CODE_POINT) {
        text.append('\ufffd');
        i++;
        continue;
      }
      text.appendCodePoint(codePoint); // a surrogate code point is appended as that one char
      i += more + 1;
    }
    return text.toString();
  }

  /** The text of well-formed UTF-8 bytes, or empty when they are not well-formed. */
  public static Optional<String> strictUtf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString());
    } catch (CharacterCodingException e) {
      return Optional.empty();
    }
  }
}
