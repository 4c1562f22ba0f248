package dev.fdbe;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The id of one attempt (an {@code instance_id} in the logs) of a run. {@link #parse} and {@link #toString} round-trip.
 *
 * @param value the UUID
 */
public record AttemptId(UUID value) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code value} is null
   */
  public AttemptId {
    Objects.requireNonNull(value, "value");
  }

  /** A new random id. */
  public static AttemptId random() {
    return new AttemptId(UUID.randomUUID());
  }

  /**
   * The id written as {@code text}, a UUID in its canonical 36-character form.
   *
   * @throws IllegalArgumentException naming the text when it is not a UUID
   */
  public static AttemptId parse(String text) {
    return tryParse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a valid id: '" + text + "'"));
  }

  /** The id written as {@code text}, or empty when it is not a canonical UUID. */
  public static Optional<AttemptId> tryParse(String text) {
    return Uuids.parse(text).map(AttemptId::new);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
