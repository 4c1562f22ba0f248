package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.fdbe.internal.json.JsonSyntax;
import dev.fdbe.testing.FuzzText;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Coverage-guided fuzzing of the fast JSON check against Jackson, the oracle: a strict parse to
 * the end of input with {@link Json#FACTORY} (the formats' settings: duplicate keys allowed, no
 * {@code NaN}, no comments, any top-level value, surrounding whitespace allowed), decoding every
 * string and name, of the text and of its UTF-8 bytes; a text is valid when both parses read one
 * value. (Jackson's parser of text alone takes non-ASCII characters for the hex digits of a
 * backslash-u escape; its parser of bytes alone skips a leading byte order mark.)
 *
 * <p>The contract of {@link JsonSyntax}: it takes well-formed UTF-8 (what {@code
 * String.getBytes(UTF_8)} makes, so an unpaired surrogate arrives as {@code ?}) and answers
 * {@link JsonSyntax#VALID} only for a valid text; any valid text is {@code VALID} too unless it is
 * beyond JsonSyntax's limits (nesting deeper than 64, a number or name longer than 200 bytes),
 * which no input of at most 128 bytes is (65 levels take 130). {@link Json#isValid} then answers exactly as the oracle
 * does, for any text. Bytes that are not UTF-8 are outside the contract, but must not make the
 * check throw.
 *
 * <p>{@code mvn verify} replays the corpus in {@code JsonSyntaxFuzzTestInputs/anyText}; with
 * {@code JAZZER_FUZZ=1} Jazzer fuzzes (see docs/building.md).
 */
class JsonSyntaxFuzzTest {
  /** No input this long can reach a limit of JsonSyntax (64 levels, 200-byte tokens). */
  private static final int WITHIN_LIMITS = 128;

  @FuzzTest(maxDuration = "60s")
  void anyText(byte[] input) {
    int raw = JsonSyntax.check(input);
    assertThat(raw).isIn(JsonSyntax.VALID, JsonSyntax.UNSURE);

    // The text the bytes stand for (well-formed UTF-8 as is; lone surrogates reachable), and the
    // bytes a writer hands the check for it.
    String text = FuzzText.lenient(input);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    boolean jackson = jackson(text, utf8);
    int verdict = JsonSyntax.check(utf8);
    if (verdict == JsonSyntax.VALID) {
      assertThat(jackson).as("certified, but Jackson refuses: %s", text).isTrue();
    } else if (jackson && utf8.length <= WITHIN_LIMITS) {
      throw new AssertionError("Jackson accepts, but JsonSyntax does not certify: " + text);
    }
    assertThat(Json.isValid(text)).as("Json.isValid(%s)", text).isEqualTo(jackson);
    assertThat(Json.isValid(text, utf8)).as("Json.isValid(%s, bytes)", text).isEqualTo(jackson);
  }

  /** Whether Jackson reads both the text and its UTF-8 bytes as exactly one JSON value. */
  private static boolean jackson(String text, byte[] utf8) {
    try {
      return oneValue(Json.FACTORY.createParser(text)) && oneValue(Json.FACTORY.createParser(utf8));
    } catch (JsonProcessingException | CharConversionException e) {
      return false; // the second: bytes Jackson takes for UTF-32 of an odd byte order
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static boolean oneValue(JsonParser parser) throws IOException {
    try (parser) {
      return oneValueOf(parser);
    }
  }

  private static boolean oneValueOf(JsonParser parser) throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      return false;
    }
    int depth = 0;
    while (true) {
      if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
        parser.getText(); // decode it all, rather than trust a skip
      }
      depth += token.isStructStart() ? 1 : token.isStructEnd() ? -1 : 0;
      if (depth == 0) {
        return parser.nextToken() == null;
      }
      token = parser.nextToken();
      if (token == null) {
        return false;
      }
    }
  }
}
