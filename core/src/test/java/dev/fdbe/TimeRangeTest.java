package dev.fdbe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A range is truncated to the stored microseconds and its order checked once, where it is made. */
class TimeRangeTest {
  private static final Instant START = Instant.parse("2026-11-20T00:00:00Z");
  private static final Instant END = Instant.parse("2026-11-21T00:00:00Z");

  private static void assertInvalid(Instant start, Instant end, String attr, String message) {
    assertThatThrownBy(() -> new TimeRange(start, end))
        .isInstanceOfSatisfying(InvalidRequestException.class, e -> assertThat(e.attr()).isEqualTo(attr))
        .hasMessage(message);
  }

  @Test
  void bothEndsAreTruncatedToMicroseconds() {
    TimeRange range = new TimeRange(Instant.parse("2026-11-20T00:00:00.123456789Z"),
        Instant.parse("2026-11-20T00:00:01.000000999Z"));

    assertThat(range.start()).isEqualTo("2026-11-20T00:00:00.123456Z");
    assertThat(range.end()).isEqualTo("2026-11-20T00:00:01Z");
    assertThat(range).isEqualTo(new TimeRange(range.start(), range.end()));
  }

  @Test
  void anEndBeforeOrAtTheStartIsRefusedNamingTheEnd() {
    String message = "'data_interval_end' must occur after 'data_interval_start'";
    assertInvalid(END, START, "data_interval_end", message);
    assertInvalid(START, START, "data_interval_end", message);
  }

  @Test
  void theOrderIsCheckedAtTheStoredPrecision() {
    assertInvalid(START.plusNanos(100), START.plusNanos(900), "data_interval_end",
        "'data_interval_end' must occur after 'data_interval_start'");
    assertThat(new TimeRange(START.plusNanos(999), START.plusNanos(1000)).length()).isEqualTo(Duration.ofNanos(1000));
  }

  @Test
  void instantsBeforeYearOneAreRefusedNamingTheirField() {
    Instant yearZero = Instant.parse("0001-01-01T00:00:00Z").minusNanos(1);
    assertInvalid(yearZero, END, "data_interval_start",
        "'data_interval_start' must not be before year 1, got " + yearZero);
    assertInvalid(yearZero.minusSeconds(60), yearZero, "data_interval_start",
        "'data_interval_start' must not be before year 1, got " + yearZero.minusSeconds(60));
    assertThat(new TimeRange(Instant.parse("0001-01-01T00:00:00Z"), END).start())
        .isEqualTo("0001-01-01T00:00:00Z");
  }

  @Test
  void containsIsHalfOpen() {
    TimeRange day = new TimeRange(START, END);

    assertThat(day.contains(START)).isTrue();
    assertThat(day.contains(END.minusNanos(1000))).isTrue();
    assertThat(day.contains(END)).isFalse();
    assertThat(day.contains(START.minusNanos(1))).isFalse();
    assertThat(day.length()).isEqualTo(Duration.ofDays(1));
  }

  @Test
  void nullEndsAreNamed() {
    assertThatThrownBy(() -> new TimeRange(null, END)).hasMessage("start");
    assertThatThrownBy(() -> new TimeRange(START, null)).hasMessage("end");
  }
}
