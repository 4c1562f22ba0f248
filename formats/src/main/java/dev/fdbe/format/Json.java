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
  /** Thread-safe; generators and parsers it creates are not. String values may be of any length. */
  public static final JsonFactory FACTORY = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
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
   * Writes a valid JSON document as a nested value. The document's own text is copied as is when it
   * holds no line break, else it is re-serialized so that the output stays on one line.
   */
  public static void writeEmbedded(JsonGenerator generator, String validJson) throws IOException {
    if (validJson.indexOf('\n') < 0 && validJson.indexOf('\r') < 0) {
      generator.writeRawValue(validJson.strip());
      return;
    }
    try (JsonParser parser = FACTORY.createParser(validJson)) {
      parser.nextToken();
      generator.copyCurrentStructure(parser);
    }
  }

  /** The compact JSON text of the value the parser is at (its current token and children). */
  public static String compactValue(JsonParser parser) throws IOException {
    StringWriter text = new StringWriter();
    try (JsonGenerator generator = FACTORY.createGenerator(text)) {
      generator.copyCurrentStructure(parser);
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
