package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fdbe.FileId;
import dev.fdbe.NotFoundException;
import dev.fdbe.TeamId;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WireParserTest {
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2026-11-20|2026-11-20T00:00:00Z",
      "2026-11-20T10:11:12Z|2026-11-20T10:11:12Z",
      "2026-11-20T10:11:12z|2026-11-20T10:11:12Z",
      "2026-11-20 10:11:12|2026-11-20T10:11:12Z",
      "2026-11-20T10:11:12|2026-11-20T10:11:12Z",
      "2026-11-20T10:11:12.5Z|2026-11-20T10:11:12.500Z",
      "2026-11-20T10:11:12.123456789Z|2026-11-20T10:11:12.123456789Z",
      "2026-11-20T10:11:12+02:00|2026-11-20T08:11:12Z",
      "2026-11-20T10:11:12-05:30|2026-11-20T15:41:12Z",
      "2026-11-20T10:11:12+18:00|2026-11-19T16:11:12Z",
      "2024-02-29T00:00:00Z|2024-02-29T00:00:00Z",
      "0001-01-01T00:00:00Z|0001-01-01T00:00:00Z",
      "9999-12-31T23:59:59.999999999Z|9999-12-31T23:59:59.999999999Z"})
  void dateTimesOfTheGrammarParse(String text, String expected) {
    assertThat(WireParser.dateTime("after", text)).isEqualTo(Instant.parse(expected));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " 2026-11-20", "2026-11-20 ", "2026-11-20T10:11:12+14:00:01", "2026-11-20T10:11Z",
      "2026-11-20T10:11:12.Z", "2026-11-20T10:11:12.1234567890Z", "2026-11-20T10:11:12+0200", "2026-11-20T10:11:12+2",
      "2026-11-20T10:11:12[Europe/Paris]", "2026-11-20Z", "2026-11-20t10:11:12Z", "-999999999-01-01T00:00:00Z",
      "+294248-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "10000-01-01T00:00:00Z", "2026-02-30T00:00:00Z",
      "2025-02-29", "2026-13-01", "2026-11-20T24:00:00Z", "2026-11-20T10:60:00Z", "2026-11-20T10:11:60Z",
      "2026-11-20T10:11:12+19:00", "2026-11-20T10:11:12+02:60", "２０２６-11-20", "2026-11-20T10:11:12\u0000",
      "20261120", "2026-1-20", "now", "2026-11-20T10:11:12 Z"})
  void everythingElseIsA400NamingTheField(String text) {
    assertThatThrownBy(() -> WireParser.dateTime("data_interval_start", text))
        .isInstanceOfSatisfying(ApiError.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.attr()).isEqualTo("data_interval_start");
          assertThat(e.getMessage()).contains("data_interval_start");
        });
  }

  @Test
  void numbersAreCanonicalAsciiDigits() {
    assertThat(WireParser.decimal("0")).hasValue(0);
    assertThat(WireParser.decimal("7")).hasValue(7);
    assertThat(WireParser.decimal("9223372036854775807")).hasValue(Long.MAX_VALUE);
    for (String bad : new String[] {"", "01", "00", "-0", "+1", "-1", " 1", "1 ", "1.0", "1e3", "0x10", "１", "٣",
        "9223372036854775808", "99999999999999999999999", "1_000"}) {
      assertThat(WireParser.decimal(bad)).as("'%s'", bad).isEmpty();
    }
  }

  @Test
  void queryIntegersAreA400NamingTheParameterAndItsRange() {
    assertThat(WireParser.queryInteger("limit", "500", 1, 500)).isEqualTo(500);
    for (String bad : new String[] {"0", "501", "01", "-1", "+1", "１", "x", "", "99999999999999999999"}) {
      assertThatThrownBy(() -> WireParser.queryInteger("limit", bad, 1, 500)).as("'%s'", bad)
          .isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.attr()).isEqualTo("limit");
          });
    }
  }

  @Test
  void teamsOfAPathAreCanonicalPositiveNumbersElseNotFound() {
    assertThat(WireParser.team("1")).isEqualTo(TeamId.of(1));
    for (String bad : new String[] {"0", "01", "+1", "00000000001", "-1", "１", "9223372036854775808", "a"}) {
      assertThatThrownBy(() -> WireParser.team(bad)).as("'%s'", bad)
          .isInstanceOfSatisfying(ApiError.class, e -> assertThat(e.status()).isEqualTo(404));
    }
    assertThatThrownBy(() -> WireParser.teamOption("01")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a valid team id: '01'");
  }

  @Test
  void runsOfAPathAreUuidsElseNotFound() {
    String id = "497f6eca-6276-4993-bfeb-53cbbbba6f08";
    assertThat(WireParser.run(id.toUpperCase()).toString()).isEqualTo(id);
    for (String bad : new String[] {"1-1-1-1-1", id.substring(1), id + "0", "{" + id + "}", id.replace("-", "")}) {
      assertThatThrownBy(() -> WireParser.run(bad)).as(bad).isInstanceOf(NotFoundException.class);
    }
  }

  @Test
  void partsAreTheFirstFileAnIdOrAnIndex() {
    String id = "497f6eca-6276-4993-bfeb-53cbbbba6f08";
    assertThat(WireParser.part(null)).isEqualTo(new WireParser.Part(null, 0));
    assertThat(WireParser.part("")).isEqualTo(new WireParser.Part(null, 0));
    assertThat(WireParser.part(id.toUpperCase())).isEqualTo(new WireParser.Part(FileId.parse(id), 0));
    assertThat(WireParser.part("0")).isEqualTo(new WireParser.Part(null, 0));
    assertThat(WireParser.part("12")).isEqualTo(new WireParser.Part(null, 12));
    assertThatThrownBy(() -> WireParser.part("99999999999999999999999")).isInstanceOf(NotFoundException.class)
        .hasMessage("No files with index 99999999999999999999999");
  }

  @ParameterizedTest
  @ValueSource(strings = {"abc", "1.5", "+1", "-0", "-1", "01", "0000000000", " 1", "1-1-1-1-1",
      "497f6eca-6276-4993-bfeb-53cbbbba6f0", "0x10", "１", "٣"})
  void anyOtherPartIsTheContractsInvalidFileIdOrIndex(String part) {
    assertThatThrownBy(() -> WireParser.part(part)).isInstanceOfSatisfying(ApiError.class, e -> {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).isEqualTo("Invalid file id or index: '" + part + "'");
    });
  }

  @Test
  void textForMessagesIsShortAndEscaped() {
    assertThat(WireParser.shown("a\u0000b")).isEqualTo("a\\u0000b");
    assertThat(WireParser.shown("abc\u202edef")).isEqualTo("abc\\u202edef");
    assertThat(WireParser.shown("x".repeat(500))).hasSize(103);
    assertThatThrownBy(() -> WireParser.checkText("search", "a\u0000")).isInstanceOf(ApiError.class)
        .hasMessageContaining("NUL");
    assertThatThrownBy(() -> WireParser.checkText("search", "\ud800")).isInstanceOf(ApiError.class)
        .hasMessageContaining("surrogate");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "limit=%C0%80|limit|'limit' is not percent-encoded UTF-8: '%C0%80'",
      "limit=1&offset=%ZZ|offset|'offset' is not percent-encoded UTF-8: '%ZZ'",
      "search=%ED%A0%80&limit=1|search|'search' is not percent-encoded UTF-8: '%ED%A0%80'",
      "l%69mit=%FF|limit|'limit' is not percent-encoded UTF-8: '%FF'",
  })
  void aQueryThatDoesNotDecodeNamesItsParameter(String query, String attr, String detail) {
    ApiError error = WireParser.malformedQuery(query);

    assertThat(error.status()).isEqualTo(400);
    assertThat(error.attr()).isEqualTo(attr);
    assertThat(error.getMessage()).startsWith(detail).contains("two hex digits");
  }

  @Test
  void aQueryWhoseNameDoesNotDecodeSaysSo() {
    assertThat(WireParser.malformedQuery("a=1&%FF=2").getMessage())
        .startsWith("the query parameter name '%FF' is not percent-encoded UTF-8");
    assertThat(WireParser.malformedQuery("=%FF").getMessage())
        .startsWith("a query parameter without a name has a value that is not percent-encoded UTF-8");
  }

  @Test
  void anOffsetWhosePlusAQueryStringTurnedIntoASpaceIsExplained() {
    assertThatThrownBy(() -> WireParser.dateTime("before", "2026-11-20T10:00:00 02:00"))
        .isInstanceOf(ApiError.class).hasMessageContaining("send it as %2B");
    assertThatThrownBy(() -> WireParser.dateTime("before", "2026-11-20T10:00"))
        .isInstanceOf(ApiError.class).hasMessageNotContaining("%2B");
  }
}
