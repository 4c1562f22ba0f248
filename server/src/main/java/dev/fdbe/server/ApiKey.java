package dev.fdbe.server;

import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * A personal API key as stored: never the key itself, only its hash and a short prefix to recognise
 * it by.
 *
 * @param id the key's id
 * @param prefix the first characters of the key, for listings
 * @param label a note, may be empty
 * @param teams the teams the key may act for
 * @param scopes what the key may do
 * @param createdAt when it was created
 * @param revokedAt when it was revoked, or null
 */
record ApiKey(UUID id, String prefix, String label, Set<TeamId> teams, Set<Scope> scopes, Instant createdAt,
    @Nullable Instant revokedAt) {
  ApiKey {
    Objects.requireNonNull(id, "id");
    teams = Set.copyOf(teams);
    scopes = Set.copyOf(scopes);
  }

  boolean allows(TeamId team) {
    return teams.contains(team);
  }
}
