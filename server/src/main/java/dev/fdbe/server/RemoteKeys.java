package dev.fdbe.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The {@code keys} commands through a running server: its key administration
 * ({@link KeyAdminEndpoint}) at the URL and with the token the server recorded in its private data
 * directory. The server keeps the database; nothing here opens it.
 */
final class RemoteKeys implements KeyAdmin {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private final URI base;
  private final String token;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  RemoteKeys(URI adminUrl, String token) {
    this.base = URI.create(adminUrl.toString().replaceAll("/+$", "") + KeyAdminEndpoint.PATH);
    this.token = token;
  }

  @Override
  public ApiKeys.Created create(Set<TeamId> teams, Set<Scope> scopes, String label) {
    ObjectNode body = JsonBodies.MAPPER.createObjectNode().put("label", label);
    teams.forEach(team -> body.withArray("teams").add(team.value()));
    scopes.forEach(scope -> body.withArray("scopes").add(scope.wireName()));
    JsonNode created = send("create", body);
    return new ApiKeys.Created(KeyAdminEndpoint.key(created.path("key")), created.path("secret").asText());
  }

  @Override
  public List<ApiKey> list() {
    List<ApiKey> keys = new ArrayList<>();
    for (JsonNode key : send("list", JsonBodies.MAPPER.createObjectNode()).path("keys")) {
      keys.add(KeyAdminEndpoint.key(key));
    }
    return keys;
  }

  @Override
  public ApiKey revoke(String idOrPrefix) {
    return KeyAdminEndpoint.key(send("revoke", JsonBodies.MAPPER.createObjectNode().put("id", idOrPrefix)).path("key"));
  }

  private JsonNode send(String command, ObjectNode body) {
    HttpResponse<String> response;
    try {
      response = http.send(HttpRequest.newBuilder(base.resolve(command)).timeout(TIMEOUT)
          .header(KeyAdminEndpoint.TOKEN_HEADER, token)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(JsonBodies.MAPPER.writeValueAsBytes(body))).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("cannot reach the running server at " + base + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while talking to the running server", e);
    }
    JsonNode json;
    try {
      json = JsonBodies.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new IllegalStateException("the running server answered " + response.statusCode() + " with no JSON", e);
    }
    if (response.statusCode() == 400) {
      throw new IllegalArgumentException(json.path("detail").asText());
    }
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the running server refused the keys command (" + response.statusCode() + "): "
          + json.path("detail").asText());
    }
    return json;
  }
}
