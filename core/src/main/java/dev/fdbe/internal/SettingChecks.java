package dev.fdbe.internal;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** The checks every option of the engine's builder applies at once, with the messages they give. */
public final class SettingChecks {
  /**
   * The value of an option that may be set once.
   *
   * @throws NullPointerException naming the option when the value is null
   * @throws IllegalStateException naming the earlier value when the option was already set
   */
  public static <T> T once(@Nullable T earlier, T value, String name) {
    Objects.requireNonNull(value, name);
    if (earlier != null) {
      throw new IllegalStateException(name + " was already set to " + earlier);
    }
    return value;
  }

  /**
   * Checks that a required part was given.
   *
   * @throws IllegalStateException naming the part and where to get one when it is missing
   */
  public static void required(@Nullable Object value, String name, String whereToGetOne) {
    if (value == null) {
      throw new IllegalStateException(name + " is required: " + whereToGetOne);
    }
  }

  /**
   * The longest duration any option takes: 100 years. Longer ones are refused when set, because the
   * deadlines and expiries computed from them ({@code Instant.plus}, {@code Duration.toNanos}) would
   * overflow long after the option was accepted.
   */
  public static final Duration LONGEST = Duration.ofDays(36_500);

  /** The duration, checked to be positive and at most {@link #LONGEST}. */
  public static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
    return atMostLongest(name, value);
  }

  /** The duration, checked to be zero or positive and at most {@link #LONGEST}. */
  public static Duration notNegative(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, got " + value);
    }
    return atMostLongest(name, value);
  }

  /**
   * The duration, checked to be at least {@code least} (named in the message as {@code leastInWords},
   * such as "1 ms") and at most {@link #LONGEST}.
   */
  public static Duration atLeast(String name, Duration value, Duration least, String leastInWords) {
    Objects.requireNonNull(value, name);
    if (value.compareTo(least) < 0) {
      throw new IllegalArgumentException(name + " must be at least " + leastInWords + ", got " + value);
    }
    return atMostLongest(name, value);
  }

  private static Duration atMostLongest(String name, Duration value) {
    if (value.compareTo(LONGEST) > 0) {
      throw new IllegalArgumentException(name + " must be at most 100 years (" + LONGEST + "), got " + value);
    }
    return value;
  }

  /** The count, checked to be at least 1; an IllegalArgumentException names the option otherwise. */
  public static int atLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, got " + value);
    }
    return value;
  }

  private SettingChecks() {}
}
