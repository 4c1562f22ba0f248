package dev.fdbe.internal.blob;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/*
 * Strict percent-decoding of the queries blob stores read: those of store locations
 * (BlobStoreProvider.parameters) and of local download links. Lenient decoders (URLDecoder) accept
 * raw spaces, non-ASCII characters, stray separators and bytes that are not UTF-8; here each of
 * those is an error, so that a mangled link or a typo in a location is reported instead of
 * guessed at. The messages quote the offending part as it was written; callers add where it came
 * from.
 */
public final class StrictQuery {
  private StrictQuery() {}

  /**
   * The parameters of a raw query ({@code a=1&b=2}) by name, in their order; unmodifiable.
   *
   * @throws IllegalArgumentException naming the problem when a part has no {@code =}, a name is
   *     empty or repeated, or a name or value is not strictly percent-encoded UTF-8
   */
  public static Map<String, String> parse(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return Map.of();
    }
    Map<String, String> parameters = new LinkedHashMap<>();
    for (String part : rawQuery.split("&", -1)) {
      int equals = part.indexOf('=');
      if (equals < 0) {
        throw new IllegalArgumentException("query part '" + part + "' is not name=value");
      }
      String name = decode(part.substring(0, equals));
      String value = decode(part.substring(equals + 1));
      if (name.isEmpty()) {
        throw new IllegalArgumentException("query part '" + part + "' has no name");
      }
      if (parameters.putIfAbsent(name, value) != null) {
        throw new IllegalArgumentException("query parameter '" + name + "' is repeated");
      }
    }
    return Collections.unmodifiableMap(parameters);
  }

  /**
   * Decodes one percent-encoded query name or value; {@code +} means a space, as HTML forms send it.
   *
   * @throws IllegalArgumentException when a character is not allowed raw in a query value, a
   *     {@code %} is not followed by two hex digits, or the bytes are not UTF-8
   */
  static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 2 < raw.length() ? hexDigit(raw.charAt(i + 1)) : -1;
        int low = high < 0 ? -1 : hexDigit(raw.charAt(i + 2));
        if (low < 0) {
          throw new IllegalArgumentException("'" + raw + "' has a '%' not followed by two hex digits");
        }
        bytes.write(high << 4 | low);
        i += 2;
      } else if (c == '+') {
        bytes.write(' ');
      } else if (isAllowedRaw(c)) {
        bytes.write(c);
      } else {
        throw new IllegalArgumentException("'" + raw + "' has a character that must be percent-encoded: '"
            + c + "'");
      }
    }
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("'" + raw + "' does not decode to UTF-8 text", e);
    }
  }

  /** The value of an ASCII hex digit, or -1 (Character.digit would also take other scripts' digits). */
  private static int hexDigit(char c) {
    return c < 128 ? Character.digit(c, 16) : -1;
  }

  /**
   * RFC 3986 query characters except the separators '&' and '=', which a name or value holds only
   * encoded, and '+', which stands for a space.
   */
  private static boolean isAllowedRaw(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "-._~!$'()*,;:@/?".indexOf(c) >= 0;
  }
}
