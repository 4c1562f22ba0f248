package dev.fdbe;

/**
 * The id of a team, the owner of data and runs ({@code project_id} or {@code environment_id} in
 * URLs). {@link #toString} is the number alone, so {@link #of} of {@code Long.parseLong} of it
 * gives the same id.
 *
 * @param value a positive number
 */
public record TeamId(long value) {
  /**
   * Checks the components.
   *
   * @throws IllegalArgumentException naming the value when a component is out of its range
   */
  public TeamId {
    if (value <= 0) {
      throw new IllegalArgumentException("team id must be positive, got " + value);
    }
  }

  /** The team with the given id. */
  public static TeamId of(long value) {
    return new TeamId(value);
  }

  @Override
  public String toString() {
    return Long.toString(value);
  }
}
