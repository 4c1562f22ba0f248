package dev.fdbe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The running server's key administration, for the {@code keys} commands of the same data
 * directory: {@code POST /_admin/keys/create}, {@code /list} and {@code /revoke}.
 *
 * <p>A request must come from an address of this machine and carry the admin token, a random
 * 256-bit value the server makes at every start and writes only to its data directory's
 * {@code server.json} (mode {@code 0600} in a {@code 0700} directory): whoever can read it owns the
 * data directory anyway. A wrong token counts as a failed authentication of the client address
 * ({@link AuthThrottle}). Anything else about the path answers 404, as for any unknown route.
 */
final class KeyAdminEndpoint {
  static final String PATH = "/_admin/keys/";
  static final String TOKEN_HEADER = "X-Fdbe-Admin-Token";

  private final KeyAdmin keys;
  private final byte[] token;

  KeyAdminEndpoint(KeyAdmin keys, String token) {
    this.keys = keys;
    this.token = token.getBytes(StandardCharsets.US_ASCII);
  }

  /** A new random admin token: 64 hex digits. */
  static String newToken() {
    byte[] bytes = new byte[32];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Whether the presented token is this server's, compared in constant time. */
  boolean accepts(@Nullable String presented) {
    return presented != null
        && MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.US_ASCII));
  }

  /** Whether the client address belongs to this machine (loopback or one of its interfaces). */
  static boolean isLocal(@Nullable InetAddress address) {
    if (address == null) {
      return false;
    }
    if (address.isLoopbackAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  /**
   * Runs one command of an authenticated request.
   *
   * @throws ApiError 404 for an unknown command, 400 when the body or its values are wrong
   */
  JsonNode handle(String command, byte[] body) {
    JsonNode json;
    try {
      json = body.length == 0 ? JsonBodies.MAPPER.createObjectNode() : JsonBodies.MAPPER.readTree(body);
    } catch (IOException e) {
      throw ApiError.invalid(null, "the body is not JSON");
    }
    try {
      return switch (command) {
        case "create" -> {
          Set<TeamId> teams = new LinkedHashSet<>();
          for (JsonNode team : json.path("teams")) {
            teams.add(TeamId.of(team.asLong()));
          }
          Set<Scope> scopes = EnumSet.noneOf(Scope.class);
          for (JsonNode scope : json.path("scopes")) {
            scopes.addAll(ApiKeys.parseScopes(scope.asText()));
          }
          ApiKeys.Created created = keys.create(teams, scopes, json.path("label").asText(""));
          ObjectNode answer = JsonBodies.MAPPER.createObjectNode();
          answer.set("key", json(created.key()));
          yield answer.put("secret", created.secret());
        }
        case "list" -> {
          ObjectNode answer = JsonBodies.MAPPER.createObjectNode();
          ArrayNode list = answer.putArray("keys");
          keys.list().forEach(key -> list.add(json(key)));
          yield answer;
        }
        case "revoke" -> {
          ObjectNode answer = JsonBodies.MAPPER.createObjectNode();
          answer.set("key", json(keys.revoke(json.path("id").asText(""))));
          yield answer;
        }
        default -> throw ApiError.notFound("No API endpoint at " + PATH + WireParser.shown(command));
      };
    } catch (IllegalArgumentException e) {
      throw ApiError.invalid(null, e.getMessage());
    }
  }

  static ObjectNode json(ApiKey key) {
    ObjectNode json = JsonBodies.MAPPER.createObjectNode()
        .put("id", key.id().toString())
        .put("prefix", key.prefix())
        .put("label", key.label())
        .put("created_at", key.createdAt().toString())
        .put("revoked_at", key.revokedAt() == null ? null : key.revokedAt().toString());
    key.teams().stream().mapToLong(TeamId::value).sorted().forEach(team -> json.withArray("teams").add(team));
    key.scopes().stream().map(Scope::wireName).sorted().forEach(scope -> json.withArray("scopes").add(scope));
    return json;
  }

  static ApiKey key(JsonNode json) {
    Set<TeamId> teams = new LinkedHashSet<>();
    json.path("teams").forEach(team -> teams.add(TeamId.of(team.asLong())));
    Set<Scope> scopes = EnumSet.noneOf(Scope.class);
    json.path("scopes").forEach(scope -> scopes.addAll(ApiKeys.parseScopes(scope.asText())));
    String revoked = json.path("revoked_at").isTextual() ? json.path("revoked_at").asText() : null;
    return new ApiKey(UUID.fromString(json.path("id").asText()), json.path("prefix").asText(),
        json.path("label").asText(""), teams, scopes, Instant.parse(json.path("created_at").asText()),
        revoked == null ? null : Instant.parse(revoked));
  }
}
