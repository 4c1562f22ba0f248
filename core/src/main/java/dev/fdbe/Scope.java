package dev.fdbe;

import java.util.Optional;

/** A permission of a caller. {@link #ALL} grants every scope. */
public enum Scope {
  /** Reading runs: list, retrieve, logs, manifest, downloads. */
  READ("batch_export:read"),
  /** Changing runs: create and cancel. */
  WRITE("batch_export:write"),
  /** Every scope. */
  ALL("*");

  private final String wireName;

  Scope(String wireName) {
    this.wireName = wireName;
  }

  /** The spelling of API keys, e.g. {@code "batch_export:read"}. */
  public String wireName() {
    return wireName;
  }

  /** The scope with the given wire name, if any; the match is exact. */
  public static Optional<Scope> fromWireName(String wireName) {
    for (Scope scope : values()) {
      if (scope.wireName.equals(wireName)) {
        return Optional.of(scope);
      }
    }
    return Optional.empty();
  }

  @Override
  public String toString() {
    return wireName;
  }
}
