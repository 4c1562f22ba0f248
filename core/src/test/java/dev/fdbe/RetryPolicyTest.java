package dev.fdbe;

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
}
