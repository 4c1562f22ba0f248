package dev.fdbe.server;

import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.util.List;
import java.util.Set;

/**
 * What the {@code keys} commands do: on the database directly ({@link ApiKeys}) when no server holds
 * it, or through the running server's key administration ({@link RemoteKeys}).
 */
interface KeyAdmin {
  /** Creates a key for the teams with the scopes; the secret is returned once. */
  ApiKeys.Created create(Set<TeamId> teams, Set<Scope> scopes, String label);

  /** Every key, newest first, revoked ones included. */
  List<ApiKey> list();

  /**
   * Revokes the key with the id, or the only active key whose prefix starts with the text.
   *
   * @throws IllegalArgumentException when no key or several keys match
   */
  ApiKey revoke(String idOrPrefix);
}
