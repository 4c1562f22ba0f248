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

  /** The duration, checked to be positive; an IllegalArgumentException names the option otherwise. */
  public static Duration positive(String name, Duration value) {
    Objects.requireNonNull(value, name);
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
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
