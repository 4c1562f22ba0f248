package dev.fdbe.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void backoffDoublesUpToTheMaximum() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(5));

    assertThat(policy.backoffAfter(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoffAfter(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoffAfter(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.backoffAfter(4)).isEqualTo(Duration.ofSeconds(5));
    assertThat(policy.backoffAfter(1000)).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void badPoliciesAreRefused() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO)).hasMessageContaining("maxAttempts");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .hasMessageContaining("shorter");
    assertThatThrownBy(() -> new RetryPolicy(1, Duration.ofSeconds(-1), Duration.ofSeconds(1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> RetryPolicy.DEFAULT.backoffAfter(0)).hasMessageContaining("failedAttempts");
  }

  @Test
  void waitsAreFullyJitteredBetweenZeroAndTheCeiling() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(8));
    java.util.SplittableRandom random = new java.util.SplittableRandom(42);
    java.util.Set<Duration> seen = new java.util.HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      Duration wait = policy.backoffAfter(4, random);
      assertThat(wait).isBetween(Duration.ZERO, Duration.ofSeconds(8));
      seen.add(wait);
    }
    assertThat(seen).as("spread over the whole range, not a few fixed waits").hasSizeGreaterThan(1_000);
    assertThat(seen.stream().filter(w -> w.compareTo(Duration.ofSeconds(4)) < 0).count())
        .as("about half below the middle").isBetween(800L, 1_200L);
  }

  @Test
  void aSeededSourceRepeatsItsWaits() {
    RetryPolicy policy = RetryPolicy.DEFAULT;
    java.util.List<Duration> first = new java.util.ArrayList<>();
    java.util.List<Duration> second = new java.util.ArrayList<>();
    java.util.SplittableRandom a = new java.util.SplittableRandom(7);
    java.util.SplittableRandom b = new java.util.SplittableRandom(7);
    for (int attempt = 1; attempt <= 4; attempt++) {
      first.add(policy.backoffAfter(attempt, a));
      second.add(policy.backoffAfter(attempt, b));
    }
    assertThat(first).isEqualTo(second);
    assertThat(RetryPolicy.none().backoffAfter(1, a)).isZero();
    assertThat(new RetryPolicy(2, Duration.ofNanos(500), Duration.ofNanos(500)).backoffAfter(1, a))
        .as("below a millisecond the ceiling is kept").isEqualTo(Duration.ofNanos(500));
  }
}
