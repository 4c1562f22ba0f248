package dev.fdbe.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import dev.fdbe.internal.json.JsonSyntax;
import dev.fdbe.spi.WriterContext;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The JSON factory the formats share, and JSON column handling: a stored value is embedded as JSON
 * when it is one complete, valid JSON document, and written as a string otherwise.
 */
public final class Json {
  /**
   * Thread-safe; generators and parsers it creates are not. Strings and object keys may be of any
   * length; numbers hold at most 1,000 characters and documents nest at most 1,000 levels deep
   * (Jackson's defaults).
   */
  public static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
          .maxNameLength(Integer.MAX_VALUE).build())
      .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
      .build();

  /**
   * Whether the text is exactly one valid JSON document (surrounding whitespace allowed), as
   * Jackson's parsers with this factory's constraints decide. A fast single pass settles the common
   * case; anything it does not certify goes to Jackson, which must then accept both the text and
   * its UTF-8 bytes: Jackson's parser of text alone takes any character whose low byte is the code
   * of a hex digit for that digit in a backslash-u escape (U+0363 for {@code c}), and such a value,
   * embedded as is, would make the written file invalid JSON. Its parser of bytes refuses them.
   */
  public static boolean isValid(String text) {
    return isValid(text, text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * {@link #isValid(String)} for a text whose UTF-8 bytes the caller has already made (a writer
   * that stores them anyway), so they are not made twice.
   */
  public static boolean isValid(String text, byte[] utf8) {
    return JsonSyntax.check(utf8) == JsonSyntax.VALID || parses(text, utf8);
  }

  private static boolean parses(String text, byte[] utf8) {
    try {
      // Bytes that were a text Jackson accepts hold no NUL, so Jackson reads them as UTF-8.
      return oneDocument(FACTORY.createParser(text)) && oneDocument(FACTORY.createParser(utf8));
    } catch (JsonProcessingException | CharConversionException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the parser reads exactly one document to the end of its input; closes the parser. */
  private static boolean oneDocument(JsonParser parser) throws IOException {
    try (parser) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    }
  }

  /**
   * Writes a valid JSON document as a nested value, its own text on one line ({@link #oneLine}).
   * The text must encode exactly ({@code Utf8.encodesExactly}): a lone surrogate cannot be written raw.
   */
  public static void writeEmbedded(JsonGenerator generator, String validJson) throws IOException {
    generator.writeRawValue(oneLine(validJson));
  }

  /**
   * A valid JSON document's text on one line: a text on one line already loses only the white space
   * around it, any other the white space between its tokens, every other character kept as written (a number's digits and exponent, a string's escapes). Valid JSON
   * holds no raw line break or tab inside a string, so only the white space between tokens goes.
   */
  public static String oneLine(String validJson) {
    if (validJson.indexOf('\n') < 0 && validJson.indexOf('\r') < 0) {
      return validJson.strip(); // on one line already: only the white space around it goes
    }
    StringBuilder line = new StringBuilder(validJson.length());
    boolean inString = false;
    for (int i = 0; i < validJson.length(); i++) {
      char c = validJson.charAt(i);
      if (inString) {
        line.append(c);
        if (c == '\\') {
          line.append(validJson.charAt(++i)); // the escaped character, a quote perhaps
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
        line.append(c);
      } else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        line.append(c);
      }
    }
    return line.toString();
  }

  /**
   * The compact JSON text of the value the parser is at (its current token and children), numbers
   * exactly as their values ({@code 1e400} as {@code 1E+400}, never rounded to a double).
   */
  public static String compactValue(JsonParser parser) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(text)) {
      int depth = 0;
      JsonToken token = parser.currentToken();
      while (true) {
        generator.copyCurrentEventExact(parser);
        depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
        if (depth == 0) {
          break;
        }
        token = parser.nextToken();
      }
    }
    return text.toString();
  }

  /**
   * The compact form of a JSON document, to compare documents written differently; null when the
   * text is not valid JSON.
   */
  public static String compact(String json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        return null;
      }
      String compact = compactValue(parser);
      return parser.nextToken() == null ? compact : null;
    } catch (JsonProcessingException e) {
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Writes a {@code STRING_LIST} value as a JSON array whose elements are strings, or null where
   * the list holds null.
   */
  public static void writeStringList(JsonGenerator generator, List<String> values) throws IOException {
    generator.writeStartArray();
    for (String value : values) {
      if (value == null) {
        generator.writeNull();
      } else {
        generator.writeString(value);
      }
    }
    generator.writeEndArray();
  }

  /** The text as a JSON string literal, e.g. <code>&#123;broken</code> becomes <code>"&#123;broken"</code>. */
  public static String quote(String text) {
    StringWriter quoted = new StringWriter(text.length() + 2);
    try (JsonGenerator generator = FACTORY.createGenerator(quoted)) {
      generator.writeString(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return quoted.toString();
  }

  /**
   * Tells the run, once per column, that the JSON column holds values that are not valid JSON and
   * are written as JSON strings; the warning quotes the first one, shortened.
   */
  public static void warnInvalid(WriterContext context, String column, String value) {
    context.warnOnce("invalid-json:" + column, invalidWarning(column, value));
  }

  private static String invalidWarning(String column, String firstValue) {
    String shortened = firstValue.length() > 80 ? firstValue.substring(0, 80) + "..." : firstValue;
    return "Column '" + column + "' holds values that are not valid JSON; they are written as JSON strings (first one: '"
        + shortened.replace("\n", "\\n").replace("\r", "\\r") + "')";
  }

  private Json() {}
}
