package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AuthThrottleTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AuthThrottle throttle = new AuthThrottle(20, now::get);

  private void advanceSeconds(long seconds) {
    now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
  }

  @Test
  void twentyFailuresAMinuteAreAllowedTheNextWaitsForTheBucketToRefill() {
    for (int i = 0; i < 20; i++) {
      assertThat(throttle.retryAfterSeconds("10.0.0.1")).as("failure %d", i).isEmpty();
      throttle.failed("10.0.0.1");
    }
    assertThat(throttle.retryAfterSeconds("10.0.0.1")).hasValue(3); // one token per 3 s
    assertThat(throttle.retryAfterSeconds("10.0.0.2")).as("other addresses").isEmpty();

    advanceSeconds(2);
    assertThat(throttle.retryAfterSeconds("10.0.0.1")).hasValue(1);
    advanceSeconds(1);
    assertThat(throttle.retryAfterSeconds("10.0.0.1")).isEmpty();
    throttle.failed("10.0.0.1");
    assertThat(throttle.retryAfterSeconds("10.0.0.1")).hasValue(3);

    advanceSeconds(60);
    for (int i = 0; i < 20; i++) {
      assertThat(throttle.retryAfterSeconds("10.0.0.1")).as("a minute later, failure %d", i).isEmpty();
      throttle.failed("10.0.0.1");
    }
    assertThat(throttle.retryAfterSeconds("10.0.0.1")).isPresent();
  }

  @Test
  void zeroTurnsTheLimitOffAndANegativeLimitIsRefused() {
    AuthThrottle off = new AuthThrottle(0, now::get);
    for (int i = 0; i < 1_000; i++) {
      off.failed("10.0.0.1");
    }
    assertThat(off.retryAfterSeconds("10.0.0.1")).isEmpty();
    assertThatThrownBy(() -> new AuthThrottle(-1, now::get)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
  }
}
