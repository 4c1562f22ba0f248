package dev.fdbe.format;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** DuckDB loads in-process on this platform; every format test relies on it. */
class DuckDbSmokeTest {
  @Test
  void duckDbAnswers() throws Exception {
    try (DuckDb duck = new DuckDb()) {
      assertThat(duck.scalar("SELECT 40 + 2")).isEqualTo(42);
      assertThat(duck.scalar("SELECT TIMESTAMPTZ '1969-12-31 23:59:59.999999+00'").toString())
          .startsWith("1969-12-31T23:59:59.999999");
    }
  }
}
