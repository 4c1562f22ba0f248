package dev.fdbe.internal;

import dev.fdbe.ExportEngine;
import dev.fdbe.RunStatus;
import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How the engine retries a run after a transient error (set with {@link ExportEngine.Builder#retries}): up to {@code maxAttempts} attempts in all,
 * with exponential backoff and full jitter. The ceiling of the wait is {@code initialBackoff} after
 * the first failure and doubles after each further one, never above {@code maxBackoff}; the wait
 * itself is drawn uniformly between zero and that ceiling ({@link #backoffAfter(int,
 * RandomGenerator)}), so that engines on several machines that failed together do not retry in
 * lockstep. When the attempts are used up the run ends {@link RunStatus#FAILED_RETRYABLE}.
 *
 * @param maxAttempts attempts in all, at least 1
 * @param initialBackoff the wait after the first failed attempt
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  /** 5 attempts, waiting up to 1 s, 2 s, 4 s and 8 s between them. */
  public static final RetryPolicy DEFAULT = new RetryPolicy(ExportEngine.DEFAULT_MAX_ATTEMPTS, Duration.ofSeconds(1), Duration.ofSeconds(30));

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException(
          "backoff must not be negative, got " + initialBackoff + " and " + maxBackoff);
    }
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException(
          "maxBackoff " + maxBackoff + " is shorter than initialBackoff " + initialBackoff);
    }
    SettingChecks.notNegative("maxBackoff", maxBackoff);
  }

  /** A policy that never retries: the first transient error ends the run. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, Duration.ZERO);
  }

  /**
   * The ceiling of the wait after the given number of failed attempts (1 for the first failure):
   * {@code initialBackoff} doubled {@code failedAttempts - 1} times, at most {@code maxBackoff}.
   *
   * @throws IllegalArgumentException when {@code failedAttempts} is less than 1
   */
  public Duration backoffAfter(int failedAttempts) {
    if (failedAttempts < 1) {
      throw new IllegalArgumentException("failedAttempts must be at least 1, got " + failedAttempts);
    }
    Duration wait = initialBackoff;
    for (int i = 1; i < failedAttempts && wait.compareTo(maxBackoff) < 0; i++) {
      wait = wait.multipliedBy(2);
    }
    return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
  }

  /**
   * The wait after the given number of failed attempts with full jitter: uniformly distributed
   * between zero and {@link #backoffAfter(int)}, both included, at millisecond resolution (a
   * ceiling below a millisecond is used as it is).
   *
   * @param random the source of the jitter; a seeded one makes the waits repeatable
   * @throws IllegalArgumentException when {@code failedAttempts} is less than 1
   */
  public Duration backoffAfter(int failedAttempts, RandomGenerator random) {
    Objects.requireNonNull(random, "random");
    Duration ceiling = backoffAfter(failedAttempts);
    long millis = ceiling.toMillis();
    return millis == 0 ? ceiling : Duration.ofMillis(random.nextLong(millis + 1));
  }
}
