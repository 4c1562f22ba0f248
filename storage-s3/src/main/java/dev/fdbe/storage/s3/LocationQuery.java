package dev.fdbe.storage.s3;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/*
 * Strict parsing of a store location's query (s3://bucket/prefix?region=...&endpoint=...). A raw
 * space, a stray '%', a repeated or nameless parameter is an error rather than a guess, so that a
 * typo in a server flag is reported at start-up instead of silently changing where exports go.
 */
final class LocationQuery {
  private LocationQuery() {}

  /**
   * The parameters of a raw query by name, in order.
   *
   * @throws IllegalArgumentException naming the problem
   */
  static Map<String, String> parse(String rawQuery) {
    Map<String, String> parameters = new LinkedHashMap<>();
    if (rawQuery.isEmpty()) {
      return parameters;
    }
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

  /** Decodes percent-encoded UTF-8; '+' is a space. */
  static String decode(String raw) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '%') {
        int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
        int low = high < 0 ? -1 : Character.digit(raw.charAt(i + 2), 16);
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
        throw new IllegalArgumentException("'" + raw + "' has a character that must be percent-encoded: '" + c + "'");
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

  /** RFC 3986 query characters except the separators '&' and '=' and '+', which stands for a space. */
  private static boolean isAllowedRaw(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
      return true;
    }
    return "-._~!$'()*,;:@/?".indexOf(c) >= 0;
  }
}
