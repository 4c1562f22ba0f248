package dev.fdbe;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * Who makes a call to {@link ExportEngine}: the team it acts for and the scopes it holds. A run of
 * another team is "not found" to a caller; a call that needs a scope the caller lacks throws
 * {@link PermissionDeniedException}.
 *
 * @param team the team the call acts for
 * @param scopes the scopes held; {@link Scope#ALL} grants every scope
 */
public record Caller(TeamId team, Set<Scope> scopes) {
  /**
   * Checks the components and copies {@code scopes} (later changes to the given collection do not show).
   *
   * @throws NullPointerException naming the component when {@code team} or {@code scopes} is null
   */
  public Caller {
    Objects.requireNonNull(team, "team");
    scopes = Set.copyOf(Objects.requireNonNull(scopes, "scopes"));
  }

  /** A caller for the team holding the given scopes. */
  public static Caller of(TeamId team, Scope... scopes) {
    Set<Scope> set = EnumSet.noneOf(Scope.class);
    for (Scope scope : scopes) {
      set.add(Objects.requireNonNull(scope, "scope"));
    }
    return new Caller(team, set);
  }

  /** Whether the caller holds the scope, directly or through {@link Scope#ALL}. */
  public boolean has(Scope scope) {
    return scopes.contains(Scope.ALL) || scopes.contains(scope);
  }

  /**
   * Checks that the caller holds the scope.
   *
   * @throws PermissionDeniedException naming the scope when it is missing
   */
  public void require(Scope scope) {
    if (!has(scope)) {
      throw new PermissionDeniedException(scope);
    }
  }
}
