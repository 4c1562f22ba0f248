package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.fdbe.internal.json.JsonSyntax;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * JsonBytes against the generator it stands in for: the same bytes whenever it writes, nothing when
 * it declines, and it declines only strings with surrogates or with a {@code ?} beside non-ASCII text.
 */
class JsonBytesTest {
  private static final String[] PIECES = {"abc", "x", "?", "??", ",", "\"", "\\", "/", "\r", "\n", "\t", "\b", "\f",
      "\u0000", "\u001f", "\u007f", "\u0080", "é", "日本", "\u2028", "\uffff", "\ud83d\ude00", "\ud800", "\udc00",
      "hello world", "0123456789abcdef"};

  @Test
  void stringsAreWrittenAsTheGeneratorWritesThemOrDeclined() throws IOException {
    Random random = new Random(7);
    int written = 0;
    for (int n = 0; n < 20_000; n++) {
      String text = randomText(random);
      RowBuffer buffer = new RowBuffer();
      buffer.write('#');
      boolean wrote = JsonBytes.writeString(buffer, text, text.getBytes(StandardCharsets.UTF_8));
      if (wrote) {
        written++;
        assertThat(content(buffer)).as(text).isEqualTo("#" + generated(text));
      } else {
        assertThat(buffer.size()).isEqualTo(1);
        boolean surrogate = text.chars().anyMatch(c -> Character.isSurrogate((char) c));
        boolean questionMarkBesideNonAscii = text.indexOf('?') >= 0 && text.chars().anyMatch(c -> c >= 0x80);
        assertThat(surrogate || questionMarkBesideNonAscii).as("declined: %s", text).isTrue();
      }
    }
    assertThat(written).isGreaterThan(5_000);
  }

  @Test
  void everyControlCharacterIsEscapedAsTheGeneratorEscapesIt() throws IOException {
    for (char c = 0; c < 0x80; c++) {
      String text = "a" + c + "b";
      RowBuffer buffer = new RowBuffer();
      assertThat(JsonBytes.writeString(buffer, text, text.getBytes(StandardCharsets.UTF_8))).isTrue();
      assertThat(content(buffer)).as("char %d", (int) c).isEqualTo(generated(text));
    }
  }

  @Test
  void documentsOnOneLineAreCopiedAsTheGeneratorsRawWriteOfTheStrippedText() throws IOException {
    String[] documents = {"{}", " [1, 2] ", "\t{\"a\":\"b?\"}\t", "{\"k\":\"\\u00e9\",\"n\":-1.5e3}", "\"é日本\"",
        "{\"emoji\":\"\ud83d\ude00\"}", "null", "42"};
    for (String document : documents) {
      RowBuffer buffer = new RowBuffer();
      assertThat(JsonBytes.writeCheckedDocument(buffer, document, document.getBytes(StandardCharsets.UTF_8)))
          .as(document).isTrue();
      assertThat(content(buffer)).as(document).isEqualTo(generatedRaw(document.strip()));
      RowBuffer certified = new RowBuffer();
      JsonBytes.writeDocument(certified, JsonSyntax.certify(document));
      assertThat(content(certified)).as("certified by the reading thread: %s", document)
          .isEqualTo(generatedRaw(document.strip()));
    }
  }

  @Test
  void documentsTheCheckDoesNotCertifyAreLeftToTheCaller() {
    String[] declined = {"{\"a\":\n1}", "\r\n{}", "{broken", "", "{\"s\":\"\ud800\"}", "{\"s\":\"\udc00?\"}", "01",
        "\ufeff{}", "[1,]"};
    for (String text : declined) {
      RowBuffer buffer = new RowBuffer();
      assertThat(JsonBytes.writeCheckedDocument(buffer, text, text.getBytes(StandardCharsets.UTF_8))).as(text).isFalse();
      assertThat(JsonSyntax.certify(text)).as(text).isNull();
      assertThat(buffer.size()).isZero();
    }
  }

  @Test
  void timestampsAreQuotedIsoText() {
    long[] micros = {0, -1, 1_700_000_000_123_456L, 253_402_300_800_000_000L, -62_167_219_200_000_001L, Long.MIN_VALUE,
        Long.MAX_VALUE};
    for (long value : micros) {
      RowBuffer buffer = new RowBuffer();
      JsonBytes.writeTimestamp(buffer, value);
      assertThat(content(buffer)).isEqualTo("\"" + IsoTimestamps.format(value) + "\"");
    }
  }

  @Test
  void theBufferGrowsForLongValues() throws IOException {
    String text = "long \" value ".repeat(2_000);
    RowBuffer buffer = new RowBuffer();
    assertThat(JsonBytes.writeString(buffer, text, text.getBytes(StandardCharsets.UTF_8))).isTrue();
    assertThat(content(buffer)).isEqualTo(generated(text));
  }

  private static String randomText(Random random) {
    StringBuilder text = new StringBuilder();
    int pieces = random.nextInt(8);
    for (int i = 0; i < pieces; i++) {
      text.append(PIECES[random.nextInt(PIECES.length)]);
    }
    return text.toString();
  }

  private static String content(RowBuffer buffer) {
    return new String(buffer.array(), 0, buffer.size(), StandardCharsets.UTF_8);
  }

  private static String generated(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = Json.FACTORY.createGenerator(out)) {
      generator.writeString(text);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static String generatedRaw(String text) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator generator = Json.FACTORY.createGenerator(out)) {
      generator.writeRawValue(text);
    }
    return out.toString(StandardCharsets.UTF_8);
  }
}
