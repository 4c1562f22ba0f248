package dev.fdbe;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The id of one file download (part) of a completed run. {@link #parse} and {@link #toString} round-trip.
 *
 * @param value the UUID
 */
public record FileId(UUID value) {
  /**
   * Checks the components.
   *
   * @throws NullPointerException naming the component when {@code value} is null
   */
  public FileId {
    Objects.requireNonNull(value, "value");
  }

  /** A new random id. */
  public static FileId random() {
    return new FileId(UUID.randomUUID());
  }

  /**
   * The id written as {@code text}, a UUID in its canonical 36-character form.
   *
   * @throws IllegalArgumentException naming the text when it is not a UUID
   */
  public static FileId parse(String text) {
    return tryParse(text)
        .orElseThrow(() -> new IllegalArgumentException("not a valid id: '" + text + "'"));
  }

  /** The id written as {@code text}, or empty when it is not a canonical UUID. */
  public static Optional<FileId> tryParse(String text) {
    return Uuids.parse(text).map(FileId::new);
  }

  @Override
  public String toString() {
    return value.toString();
  }
}
