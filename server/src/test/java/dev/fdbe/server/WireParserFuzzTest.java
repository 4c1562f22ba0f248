package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fdbe.AttemptId;
import dev.fdbe.FileId;
import dev.fdbe.NotFoundException;
import dev.fdbe.RunId;
import dev.fdbe.TeamId;
import dev.fdbe.testing.FuzzText;
import java.math.BigInteger;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Coverage-guided fuzzing of the strict parser: any text a client can write goes through every
 * method. Each either returns a value that obeys the grammar of {@link WireParser}'s javadoc, or
 * throws the error the HTTP layer turns into a 400 or 404; nothing else may escape.
 *
 * <p>{@code mvn verify} replays the corpus in {@code WireParserFuzzTestInputs/anyText}; with
 * {@code JAZZER_FUZZ=1} Jazzer fuzzes (see docs/building.md).
 */
class WireParserFuzzTest {
  /** The grammar of date-times, written apart from the parser's so the two can disagree. */
  private static final Pattern DATE = Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}");
  private static final Pattern DATE_TIME = Pattern.compile(
      "[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|z|[+-][0-9]{2}:[0-9]{2}|)");
  private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z").minusSeconds(18 * 3600);
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999999Z").plusSeconds(18 * 3600);
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  @FuzzTest(maxDuration = "60s")
  void anyText(byte[] input) {
    String text = FuzzText.lenient(input);

    Long decimal = checkDecimal(text);
    checkQueryIntegers(text, decimal);
    checkTeam(text, decimal);
    checkRun(text);
    checkPart(text, decimal);
    checkAttempt(text);
    checkDateTime(text);
    checkText(text);
    checkShown(text);
  }

  /** {@code decimal} accepts exactly {@code 0|[1-9][0-9]*} within a long, with Long.parseLong's value. */
  private static Long checkDecimal(String text) {
    boolean canonical = !text.isEmpty() && text.chars().allMatch(c -> c >= '0' && c <= '9')
        && (text.equals("0") || text.charAt(0) != '0');
    boolean fits = canonical && new BigInteger(text).compareTo(LONG_MAX) <= 0;
    OptionalLong value = WireParser.decimal(text);
    assertThat(value.isPresent()).as("decimal('%s') accepted", text).isEqualTo(fits);
    if (fits) {
      assertThat(value.getAsLong()).isEqualTo(Long.parseLong(text));
      return value.getAsLong();
    }
    return null;
  }

  /** Within [min, max] exactly when decimal accepts the text and its value is in range; else a 400. */
  private static void checkQueryIntegers(String text, Long decimal) {
    List<long[]> ranges = new ArrayList<>(List.of(new long[] {1, 500}, new long[] {0, Long.MAX_VALUE},
        new long[] {Long.MIN_VALUE, Long.MAX_VALUE}, new long[] {Long.MAX_VALUE - 1, Long.MAX_VALUE},
        new long[] {10, 5}, new long[] {0, 0}));
    if (decimal != null) {
      ranges.add(new long[] {decimal, decimal});
      if (decimal < Long.MAX_VALUE) {
        ranges.add(new long[] {decimal + 1, Long.MAX_VALUE});
      }
      if (decimal > 0) {
        ranges.add(new long[] {0, decimal - 1});
      }
    }
    for (long[] range : ranges) {
      long min = range[0];
      long max = range[1];
      Long result = returnsOr400("limit", () -> WireParser.queryInteger("limit", text, min, max));
      boolean inRange = decimal != null && decimal >= min && decimal <= max;
      assertThat(result != null).as("queryInteger('%s', %d, %d) accepted", text, min, max).isEqualTo(inRange);
      if (result != null) {
        assertThat(result).isBetween(min, max).isEqualTo(decimal);
      }
    }
  }

  private static void checkTeam(String text, Long decimal) {
    try {
      TeamId team = WireParser.team(text);
      assertThat(team.value()).isPositive().isEqualTo(decimal);
    } catch (ApiError e) {
      assertThat(e.status()).isEqualTo(404);
      assertThat(decimal == null || decimal == 0).as("team('%s') refused", text).isTrue();
    }
    try {
      assertThat(WireParser.teamOption(text).value()).isPositive().isEqualTo(decimal);
    } catch (IllegalArgumentException e) {
      // The keys command's own error (a usage error, not an HTTP one).
      assertThat(e).isNotInstanceOf(NumberFormatException.class);
      assertThat(decimal == null || decimal == 0).as("teamOption('%s') refused", text).isTrue();
    }
  }

  private static void checkRun(String text) {
    try {
      RunId run = WireParser.run(text);
      assertThat(run.toString()).isEqualToIgnoringCase(text);
    } catch (NotFoundException e) {
      assertThat(RunId.tryParse(text)).isEmpty();
    }
  }

  private static void checkPart(String text, Long decimal) {
    try {
      WireParser.Part part = WireParser.part(text);
      if (text.isEmpty()) {
        assertThat(part).isEqualTo(new WireParser.Part(null, 0));
      } else if (part.id() != null) {
        assertThat(part.id()).isEqualTo(FileId.parse(text));
      } else {
        assertThat(part).isEqualTo(new WireParser.Part(null, decimal));
      }
    } catch (NotFoundException e) {
      assertThat(decimal).as("part('%s') not found", text).isNull();
      assertThat(text).matches("[1-9][0-9]*");
    } catch (ApiError e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.getMessage()).startsWith("Invalid file id or index: '");
    }
  }

  private static void checkAttempt(String text) {
    AttemptId attempt = returnsOr400("attempt", () -> WireParser.attempt("attempt", text));
    if (attempt != null) {
      assertThat(attempt.toString()).isEqualToIgnoringCase(text);
    }
  }

  /**
   * Accepted date-times are what java.time reads from the same text written in the T-form with an
   * explicit offset, within years 1 to 9999 (give or take the offset); the grammar's texts that
   * java.time reads as a real date-time from year 1 on are accepted.
   */
  private static void checkDateTime(String text) {
    Instant expected = javaTime(text);
    Instant parsed = returnsOr400("data_interval_start", () -> WireParser.dateTime("data_interval_start", text));
    if (parsed == null) {
      assertThat(expected).as("dateTime('%s') refused what java.time reads", text).isNull();
      return;
    }
    assertThat(parsed).as("dateTime('%s')", text).isEqualTo(expected).isBetween(EARLIEST, LATEST);
  }

  /** The instant java.time gives for a text of the grammar, or null when it is not one. */
  private static Instant javaTime(String text) {
    String normalised;
    Matcher dateTime = DATE_TIME.matcher(text);
    if (DATE.matcher(text).matches()) {
      normalised = text + "T00:00:00Z";
    } else if (dateTime.matches()) {
      String offset = dateTime.group(2);
      normalised = text.substring(0, 10) + "T" + text.substring(11, dateTime.start(2))
          + (offset.isEmpty() || offset.equals("z") ? "Z" : offset);
    } else {
      return null;
    }
    if (normalised.startsWith("0000")) {
      return null; // year 0 is ISO-8601, but before the grammar's year 1
    }
    try {
      return OffsetDateTime.parse(normalised).toInstant();
    } catch (DateTimeException e) {
      return null;
    }
  }

  private static void checkText(String text) {
    boolean storable = text.indexOf('\0') < 0 && wellFormedUtf16(text);
    String checked = returnsOr400("search", () -> WireParser.checkText("search", text));
    assertThat(checked != null).as("checkText accepted '%s'", WireParser.shown(text)).isEqualTo(storable);
    if (checked != null) {
      assertThat(checked).isSameAs(text);
    }
  }

  private static boolean wellFormedUtf16(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isLowSurrogate(c)) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      }
    }
    return true;
  }

  /** Text for messages: at most 100 characters of it, each control character or surrogate escaped. */
  private static void checkShown(String text) {
    String shown = WireParser.shown(text);
    assertThat(shown).hasSizeLessThanOrEqualTo(100 * "\\u0000".length() + "...".length());
    assertThat(shown.chars().noneMatch(c -> Character.isISOControl(c) || Character.isSurrogate((char) c)))
        .as("shown('%s') escapes controls and surrogates", shown).isTrue();
    if (text.length() > 100) {
      assertThat(shown).endsWith("...");
    }
  }

  /** The value, or null when the call threw a 400 naming the field; any other exception escapes. */
  private static <T> T returnsOr400(String field, Supplier<T> call) {
    try {
      return call.get();
    } catch (ApiError e) {
      assertThat(e.status()).isEqualTo(400);
      assertThat(e.attr()).isEqualTo(field);
      return null;
    }
  }
}
