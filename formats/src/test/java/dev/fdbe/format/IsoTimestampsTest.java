package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IsoTimestampsTest {
  @ParameterizedTest
  @CsvSource({
      "0, 1970-01-01T00:00:00.000000Z",
      "1, 1970-01-01T00:00:00.000001Z",
      "-1, 1969-12-31T23:59:59.999999Z",
      "1795435200123456, 2026-11-23T12:00:00.123456Z",
      "-62135596800000000, 0001-01-01T00:00:00.000000Z",
      "-62167219200000000, 0000-01-01T00:00:00.000000Z",
      "253402300799999999, 9999-12-31T23:59:59.999999Z",
      "951782400000000, 2000-02-29T00:00:00.000000Z",
  })
  void formatsWithSixFractionDigitsAndZ(long micros, String expected) {
    assertThat(IsoTimestamps.format(micros)).isEqualTo(expected);
    assertThat(IsoTimestamps.parse(expected)).isEqualTo(Instant.EPOCH.plus(micros, ChronoUnit.MICROS));
  }

  @Test
  void agreesWithTheJdkAcrossTheWholeRange() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < 100_000; i++) {
      long micros = random.nextLong(-62_167_219_200_000_000L, 253_402_300_800_000_000L);
      Instant instant = Instant.EPOCH.plus(micros, ChronoUnit.MICROS);
      String text = IsoTimestamps.format(micros);
      assertThat(text).hasSize(IsoTimestamps.LENGTH);
      assertThat(Instant.parse(text)).as(text).isEqualTo(instant);
    }
  }

  @Test
  void anInstanceThatRemembersTheDayWritesWhatFormatWrites() {
    // Runs of one day, jumps between days, the edges of a day, and years beyond four digits between
    // them: each timestamp must come out as the stateless format spells it.
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long day = 86_400_000_000L;
    long[] fixed = {0, -1, day - 1, day, -day, 951_782_400_000_000L, 951_782_400_000_000L - 1,
        -62_167_219_200_000_000L, 253_402_300_799_999_999L, 253_402_300_800_000_000L, Long.MIN_VALUE,
        Long.MAX_VALUE, 1_795_435_200_123_456L};
    IsoTimestamps timestamps = new IsoTimestamps();
    byte[] written = new byte[IsoTimestamps.MAX_LENGTH + 3];
    long micros = 1_795_435_200_000_000L;
    for (int i = 0; i < 200_000; i++) {
      micros = switch (random.nextInt(8)) {
        case 0 -> fixed[random.nextInt(fixed.length)];
        case 1 -> random.nextLong(-62_167_219_200_000_000L, 253_402_300_800_000_000L);
        default -> micros + random.nextLong(-day / 2, day / 2);
      };
      int at = random.nextInt(3);
      int length = timestamps.write(micros, written, at);
      assertThat(new String(written, at, length, StandardCharsets.US_ASCII)).as("%d", micros)
          .isEqualTo(IsoTimestamps.format(micros));
    }
  }

  @Test
  void yearsBeyondFourDigitsKeepMicroseconds() {
    Instant instant = Instant.parse("+10000-01-01T00:00:00.000001Z");
    long micros = instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    assertThat(IsoTimestamps.format(micros)).isEqualTo("+10000-01-01T00:00:00.000001Z");
  }

  @Test
  void parseNamesBadText() {
    assertThatThrownBy(() -> IsoTimestamps.parse("yesterday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'yesterday'");
  }
}
