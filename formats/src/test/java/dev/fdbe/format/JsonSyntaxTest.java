package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import dev.fdbe.internal.json.JsonSyntax;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast JSON check certifies only what Jackson accepts, and certifies the documents exports
 * actually hold, so that the parser runs only for the rare rest.
 */
class JsonSyntaxTest {
  private static final List<String> VALID = List.of(
      "{}", "[]", " {} ", "\t[ ]\r\n", "0", "-0", "1.5e10", "-12.75E-3", "2E+2", "true", "false", "null",
      "\"\"", "\"text\"", "\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\"", "\"raw é 😀 \u007f\"",
      "{\"a\":1,\"b\":[true,false,null],\"c\":{\"d\":\"e\"},\"f\":-0.5e-7}",
      "[1, 2 , [3,[4,[]]] ,{} ,\"x\"]", "{ \"k\" : { } , \"l\" : [ ] }",
      "{\"$current_url\":\"https://app.example.com/\",\"$browser_version\":123,\"plan\":null,\"list\":[\"a\",1]}");
  private static final List<String> INVALID = List.of(
      "", " ", "{", "}", "[", "]", "{]", "[}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[,1]", "{,}", "{a:1}",
      "{'a':1}", "01", "-", "1.", ".5", "+1", "1e", "1e+", "NaN", "Infinity", "tru", "truex", "nul", "[1 2]",
      "{\"a\":1 \"b\":2}", "\"unterminated", "\"bad \\x escape\"", "\"bad \\u12G4\"", "\"tab\tinside\"",
      "\"line\nbreak\"", "{} {}", "1 2", "[1]x", "/* c */ 1", "[1]]", "{\"a\":1}}", "\u00a0{}");

  @Test
  void certifiesValidDocumentsAndNeverAnInvalidOne() {
    for (String json : VALID) {
      assertThat(jackson(json)).as(json).isTrue();
      assertThat(JsonSyntax.check(utf8(json))).as(json).isEqualTo(JsonSyntax.VALID);
      assertThat(Json.isValid(json)).as(json).isTrue();
    }
    for (String json : INVALID) {
      assertThat(jackson(json)).as(json).isFalse();
      assertThat(JsonSyntax.check(utf8(json))).as(json).isEqualTo(JsonSyntax.UNSURE);
      assertThat(Json.isValid(json)).as(json).isFalse();
    }
  }

  /**
   * What the reading thread hands the writers as bytes: valid, on one line, exactly encoded. A
   * document with a raw line break or a lone surrogate (which Java encodes as {@code ?}) gets no
   * bytes, so the writers decide from its text.
   */
  @Test
  void certifiesAsBytesOnlyValidDocumentsOnOneLineThatEncodeExactly() {
    for (String json : VALID) {
      boolean oneLine = json.indexOf('\n') < 0 && json.indexOf('\r') < 0;
      assertThat(JsonSyntax.certify(json)).as(json).isEqualTo(oneLine ? utf8(json) : null);
    }
    for (String json : INVALID) {
      assertThat(JsonSyntax.certify(json)).as(json).isNull();
    }
    for (String json : List.of("{\n}", "[1,\r2]", "{\"a\":1}\n", "\r\n[]", "{\"a\" :\n1}")) {
      assertThat(JsonSyntax.check(utf8(json))).as(json).isEqualTo(JsonSyntax.VALID);
      assertThat(JsonSyntax.certify(json)).as(json).isNull();
    }
    assertThat(JsonSyntax.certify("{\"s\":\"x\uD800y\"}")).as("a lone surrogate").isNull();
    assertThat(JsonSyntax.certify("[\"\uDC00\"]")).as("a lone low surrogate").isNull();
    assertThat(JsonSyntax.certify("{\"q\":\"why?\"}")).as("a question mark of the text")
        .isEqualTo(utf8("{\"q\":\"why?\"}"));
  }

  /** A source's own UTF-8 bytes are certified as they are only when ASCII: others go through their text. */
  @Test
  void certifiesASourcesBytesAsTheyAreOnlyWhenAscii() {
    for (String json : VALID) {
      byte[] bytes = utf8(json);
      boolean ascii = json.chars().allMatch(c -> c < 0x80);
      boolean oneLine = json.indexOf('\n') < 0 && json.indexOf('\r') < 0;
      if (ascii && oneLine) {
        assertThat(JsonSyntax.certify(bytes)).as(json).isSameAs(bytes);
      } else {
        assertThat(JsonSyntax.certify(bytes)).as(json).isNull();
      }
    }
    for (String json : INVALID) {
      assertThat(JsonSyntax.certify(utf8(json))).as(json).isNull();
    }
    byte[] malformed = {'"', (byte) 0xC3, '"'}; // a lead byte without its continuation
    assertThat(JsonSyntax.certify(malformed)).isNull();
    byte[] longAscii = utf8("{\"k\":\"" + "x".repeat(37) + "\"}");
    for (int at = 6; at < longAscii.length - 2; at++) {
      byte[] withHigh = longAscii.clone();
      withHigh[at] = (byte) 0xE9;
      assertThat(JsonSyntax.certify(withHigh)).as("a high byte at %d", at).isNull();
    }
    assertThat(JsonSyntax.certify(longAscii)).isSameAs(longAscii);
  }

  @Test
  void agreesWithJacksonOnHundredsOfThousandsOfMutations() {
    Random random = new Random(11);
    String alphabet = "{}[]\",:.-+eE0123456789 \t\n\\/utrfalsn\u0001é😀x\uD800";
    int certified = 0;
    for (int i = 0; i < 300_000; i++) {
      StringBuilder json = new StringBuilder(VALID.get(random.nextInt(VALID.size())));
      for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
        int at = json.isEmpty() ? 0 : random.nextInt(json.length() + 1);
        char c = alphabet.charAt(random.nextInt(alphabet.length()));
        switch (random.nextInt(3)) {
          case 0 -> json.insert(at, c);
          case 1 -> {
            if (at < json.length()) {
              json.deleteCharAt(at);
            }
          }
          default -> {
            if (at < json.length()) {
              json.setCharAt(at, c);
            }
          }
        }
      }
      String text = json.toString();
      boolean valid = jackson(text);
      if (JsonSyntax.check(utf8(text)) == JsonSyntax.VALID) {
        assertThat(valid).as("certified but Jackson refuses: %s", text).isTrue();
        certified++;
      }
      assertThat(Json.isValid(text)).as(text).isEqualTo(valid);
    }
    assertThat(certified).as("mutations that stay valid are certified too").isGreaterThan(10_000);
  }

  @Test
  void findsTheQuoteBackslashOrControlAtEveryPlaceOfAnEightByteWord() {
    // Strings are skipped eight bytes at a time; a special byte at any offset, next to any
    // neighbour (multi-byte UTF-8 and DEL included), must stop the skip.
    List<String> neighbours = List.of("a", "\u007f", "é", "😀", " ", "~");
    for (String neighbour : neighbours) {
      for (int before = 0; before < 20; before++) {
        String prefix = neighbour.repeat(before);
        String tail = neighbour.repeat(9);
        for (String special : List.of("\u0000", "\u001f", "\n", "\t")) {
          String json = "\"" + prefix + special + tail + "\"";
          assertThat(JsonSyntax.check(utf8(json))).as(json).isEqualTo(JsonSyntax.UNSURE);
        }
        String escaped = "\"" + prefix + "\\\"" + tail + "\\n" + tail + "\"";
        assertThat(JsonSyntax.check(utf8(escaped))).as(escaped).isEqualTo(JsonSyntax.VALID);
        String early = "[\"" + prefix + "\"," + tail.length() + "]";
        assertThat(JsonSyntax.check(utf8(early))).as(early).isEqualTo(JsonSyntax.VALID);
        String unterminated = "\"" + prefix + "\\";
        assertThat(JsonSyntax.check(utf8(unterminated))).as(unterminated).isEqualTo(JsonSyntax.UNSURE);
      }
    }
  }

  @Test
  void tellsEveryAsciiByteInsideAStringAtEveryPlaceOfAWordBesideAnyNeighbour() {
    // A word's quote, backslash or control is found by one mask (the quote turned into 0x20 by an
    // XOR with 0x02, then one test below 0x21) and its first lane taken as the stop: every byte
    // value, at every place of two words, after neighbours near the mask's bounds, must stop there
    // exactly when Jackson would.
    List<String> neighbours = List.of("a", " ", "!", "#", "[", "]", "\u007f", "\u0080", "\u00a2", "\u00dc", "\u07ff",
        "\uffff", "\ud83d\ude00");
    for (String neighbour : neighbours) {
      for (int before = 0; before < 16; before++) {
        String prefix = neighbour.repeat(before);
        for (char c = 0; c < 0x80; c++) {
          String json = "[\"" + prefix + c + "a".repeat(9) + "\",1]";
          boolean plain = c >= 0x20 && c != '"' && c != '\\';
          assertThat(JsonSyntax.check(utf8(json))).as("byte %02x after %s", (int) c, prefix)
              .isEqualTo(plain ? JsonSyntax.VALID : JsonSyntax.UNSURE);
          assertThat(jackson(json)).as("byte %02x after %s", (int) c, prefix).isEqualTo(plain);
        }
      }
    }
  }

  @Test
  void readsLiteralsWholeAndNothingShortOfThem() {
    for (String json : List.of("true", "false", "null", "[true,false,null]", "{\"a\":false}", " null ")) {
      assertThat(JsonSyntax.check(utf8(json))).as(json).isEqualTo(JsonSyntax.VALID);
    }
    for (String json : List.of("t", "tru", "trUe", "truex", "f", "fals", "falsE", "fAlse", "falsey", "n", "nul",
        "nulL", "[tru]", "[fals]", "[nul]", "{\"a\":fals}", "[true", "nulll")) {
      assertThat(JsonSyntax.check(utf8(json))).as(json).isEqualTo(JsonSyntax.UNSURE);
      assertThat(jackson(json)).as(json).isFalse();
    }
  }

  @Test
  void leavesWhatJacksonLimitsToJackson() {
    String nested = "{\"a\":[".repeat(32) + "1" + "]}".repeat(32);
    assertThat(JsonSyntax.check(utf8(nested))).as("64 levels").isEqualTo(JsonSyntax.VALID);
    String deeper = "[" + nested + "]";
    assertThat(JsonSyntax.check(utf8(deeper))).as("65 levels").isEqualTo(JsonSyntax.UNSURE);
    assertThat(Json.isValid(deeper)).isTrue();
    String deep = "[".repeat(300) + "]".repeat(300);
    assertThat(JsonSyntax.check(utf8(deep))).isEqualTo(JsonSyntax.UNSURE);
    assertThat(Json.isValid(deep)).isEqualTo(jackson(deep));
    String longNumber = "1".repeat(2_000);
    assertThat(JsonSyntax.check(utf8(longNumber))).isEqualTo(JsonSyntax.UNSURE);
    assertThat(Json.isValid(longNumber)).isEqualTo(jackson(longNumber)).isFalse();
  }

  @Test
  void refusesNonAsciiHexDigitsThatJacksonsTextParserTakes() {
    // Found by JsonSyntaxFuzzTest: Jackson's parser of text masks a character to its low byte
    // before looking it up as a hex digit, so U+0363 passes for 'c' and U+0130 for '0'.
    for (String json : List.of("\"\\u00e\u0363\"", "[\"\\u\u0130\u0131\u0132\u0133\"]")) {
      assertThat(jackson(json)).as(json).isTrue();
      assertThat(JsonSyntax.check(utf8(json))).as(json).isEqualTo(JsonSyntax.UNSURE);
      assertThat(Json.isValid(json)).as(json).isFalse();
      assertThat(Json.isValid(json, utf8(json))).as(json).isFalse();
    }
    assertThat(Json.isValid("\"\\u00ec\"")).isTrue();
    assertThat(Json.isValid("\ufeff{}")).as("a byte order mark, which Jackson's parser of bytes skips").isFalse();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static boolean jackson(String text) {
    try (JsonParser parser = Json.FACTORY.createParser(text)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (JsonProcessingException e) {
      return false;
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
