package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.spi.FileRecord;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every error path of the HTTP API (docs/http-api.md) over HTTP, with its status, envelope and message. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorPathsIT {
  private static final String RUNS = "/api/projects/1/file_download_batch_exports/";

  @TempDir
  static Path directory;

  private TestServer server;
  private String completed;

  @BeforeAll
  void start() throws Exception {
    server = new TestServer(directory, 5_000, 2);
    completed = server.create("projects", "events", "{\"format\": \"JSONLines\"}");
    assertThat(server.awaitTerminal("projects", completed).get("status").asText()).isEqualTo("Completed");
  }

  @AfterAll
  void stop() {
    server.close();
  }

  private static void assertError(HttpResponse<String> response, int status, String type, String code, String detail) {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
    JsonNode body = TestServer.json(response);
    assertThat(body.get("type").asText()).isEqualTo(type);
    assertThat(body.get("code").asText()).isEqualTo(code);
    assertThat(body.get("detail").asText()).isEqualTo(detail);
    assertThat(body.has("attr")).isTrue();
  }

  private String body(Instant start, Instant end, String extra) {
    return "{\"model\": \"events\", \"file\": {\"format\": \"CSV\"}, \"data_interval_start\": \"" + start
        + "\", \"data_interval_end\": \"" + end + "\"" + extra + "}";
  }

  private RunId insert(TeamId team, RunStatus status) {
    return server.insertRun(team, status);
  }

  @Test
  void validationErrorsHaveTheApiMessages() {
    Instant[] day = TestServer.yesterday();
    assertError(server.post(RUNS, server.key, body(day[1], day[0], "")), 400, "validation_error", "invalid_input",
        "'data_interval_end' must occur after 'data_interval_start'");
    assertError(server.post(RUNS, server.key, body(day[1].minus(Duration.ofDays(8)), day[1], "")), 400,
        "validation_error", "invalid_input", "data interval range too big");
    Instant future = Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS);
    assertError(server.post(RUNS, server.key, body(day[0], future, "")), 400, "validation_error", "invalid_input",
        "The provided 'data_interval_end' (" + future + ") is in the future");
    HttpResponse<String> attr = server.post(RUNS, server.key, body(day[1], day[0], ""));
    assertThat(TestServer.json(attr).get("attr").asText()).isEqualTo("data_interval_end");
  }

  @Test
  void authenticationErrors() {
    HttpResponse<String> none = server.send(HttpRequest.newBuilder(server.uri(RUNS)).GET().build());
    assertError(none, 401, "authentication_error", "not_authenticated", "Authentication credentials were not provided.");
    assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
    HttpResponse<String> malformed = server.send(HttpRequest.newBuilder(server.uri(RUNS))
        .header("Authorization", "Basic dXNlcjpwYXNz").GET().build());
    assertError(malformed, 401, "authentication_error", "not_authenticated",
        "Malformed Authorization header: send one, 'Authorization: Bearer <personal API key>'");
    HttpResponse<String> twice = server.send(HttpRequest.newBuilder(server.uri(RUNS))
        .header("Authorization", "Bearer " + server.key).header("Authorization", "Bearer " + server.key).GET().build());
    assertError(twice, 401, "authentication_error", "not_authenticated",
        "Malformed Authorization header: send one, 'Authorization: Bearer <personal API key>'");
    assertError(server.get(RUNS, "fdbe_this_key_does_not_exist_at_all"), 401, "authentication_error",
        "authentication_failed", "Invalid personal API key.");
  }

  @Test
  void revokedKeysAreUnknown() {
    String secret = server.app.keys.create(Set.of(TeamId.of(1)), EnumSet.of(Scope.ALL), "to revoke").secret();
    assertThat(server.get(RUNS, secret).statusCode()).isEqualTo(200);
    server.app.keys.revoke(secret.substring(0, 12));
    assertError(server.get(RUNS, secret), 401, "authentication_error", "authentication_failed",
        "Invalid personal API key.");
  }

  @Test
  void permissionErrors() {
    Instant[] day = TestServer.yesterday();
    assertError(server.post(RUNS, server.readKey, body(day[0], day[1], "")), 403, "authentication_error",
        "permission_denied", "API key missing required scope 'batch_export:write'");
    assertError(server.get(RUNS, server.writeKey), 403, "authentication_error", "permission_denied",
        "API key missing required scope 'batch_export:read'");
    assertError(server.get(RUNS + completed + "/download/", server.writeKey), 403, "authentication_error",
        "permission_denied", "API key missing required scope 'batch_export:read'");
    assertError(server.post(RUNS + completed + "/cancel/", server.readKey, ""), 403, "authentication_error",
        "permission_denied", "API key missing required scope 'batch_export:write'");
    assertError(server.get("/api/environments/2/file_download_batch_exports/", server.key), 403,
        "authentication_error", "permission_denied", "You don't have access to the project.");
  }

  @Test
  void anotherTeamsRunIsNotFound() {
    HttpResponse<String> response = server.get("/api/projects/2/file_download_batch_exports/" + completed + "/",
        server.team2Key);
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(TestServer.json(response).get("type").asText()).isEqualTo("invalid_request");
    for (String suffix : new String[] {"download/", "logs/", "manifest/"}) {
      assertThat(server.get("/api/projects/2/file_download_batch_exports/" + completed + "/" + suffix,
          server.team2Key).statusCode()).as(suffix).isEqualTo(404);
    }
    assertThat(server.post("/api/projects/2/file_download_batch_exports/" + completed + "/cancel/", server.team2Key,
        "").statusCode()).isEqualTo(404);
  }

  @Test
  void tooManyConcurrentRunsIs429() {
    TeamId team = TeamId.of(3);
    String key = server.app.keys.create(Set.of(team), EnumSet.of(Scope.ALL), "team 3").secret();
    for (int i = 0; i < 10; i++) {
      insert(team, RunStatus.RUNNING);
    }
    Instant[] day = TestServer.yesterday();
    HttpResponse<String> response = server.post("/api/projects/3/file_download_batch_exports/", key,
        body(day[0], day[1], ""));
    assertThat(response.statusCode()).isEqualTo(429);
    JsonNode body = TestServer.json(response);
    assertThat(body.get("type").asText()).isEqualTo("throttled_error");
    assertThat(body.get("code").asText()).isEqualTo("too_many_concurrent_file_downloads");
  }

  @Test
  void downloadsOfRunsThatAreNotCompleted() {
    RunId running = insert(TeamId.of(1), RunStatus.RUNNING);
    RunId failed = insert(TeamId.of(1), RunStatus.FAILED);
    RunId cancelled = insert(TeamId.of(1), RunStatus.CANCELLED);
    assertError(server.get(RUNS + running + "/download/", server.key), 400, "validation_error", "invalid_input",
        "Batch export run is still in progress");
    assertError(server.get(RUNS + failed + "/download/0", server.key), 400, "validation_error", "invalid_input",
        "Batch export run has failed");
    assertError(server.get(RUNS + cancelled + "/download", server.key), 400, "validation_error", "invalid_input",
        "Batch export run was cancelled");
    assertError(server.get(RUNS + running + "/manifest/", server.key), 400, "validation_error", "invalid_input",
        "Batch export run is still in progress");
    JsonNode failedRun = TestServer.json(server.get(RUNS + failed + "/", server.key));
    assertThat(failedRun.get("status").asText()).isEqualTo("Failed");
    assertThat(failedRun.get("error").asText()).isEqualTo("it broke");
  }

  @Test
  void partSelectionErrors() {
    assertError(server.get(RUNS + completed + "/download/abc/", server.key), 400, "validation_error", "invalid_input",
        "Invalid file id or index: 'abc'");
    assertError(server.get(RUNS + completed + "/download/5/", server.key), 404, "invalid_request", "not_found",
        "No files with index 5");
    assertThat(server.get(RUNS + completed + "/download/" + RunId.random() + "/", server.key).statusCode())
        .isEqualTo(404);
    assertThat(server.get(RUNS + completed + "/download/0/", server.key).statusCode()).isEqualTo(302);
    String fileId = TestServer.json(server.get(RUNS + completed + "/", server.key)).get("files").get(0).asText();
    assertThat(server.get(RUNS + completed + "/download/" + fileId, server.key).statusCode()).isEqualTo(302);
  }

  @Test
  void cancellingAFinishedRunIsRefused() {
    assertError(server.post(RUNS + completed + "/cancel/", server.key, "{}"), 400, "validation_error", "invalid_input",
        "Cannot cancel a run that is in 'Completed' status");
  }

  @Test
  void tamperedExpiredAndDeletedLinksAreRefused() {
    URI link = URI.create(server.get(RUNS + completed + "/download/", server.key).headers().firstValue("Location")
        .orElseThrow());
    assertThat(server.send(HttpRequest.newBuilder(link).build()).statusCode()).isEqualTo(200);

    URI tampered = URI.create(link.toString().replace("filename=", "filename=x"));
    HttpResponse<String> refused = server.send(HttpRequest.newBuilder(tampered).build());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(TestServer.json(refused).get("code").asText()).isEqualTo("invalid_link");

    FileRecord file = server.app.defaults.runStore.files(RunId.parse(completed)).get(0);
    URI expired = server.app.defaults.localStore.signedLink(file.key(), file.fileName(),
        Instant.now().minusSeconds(5));
    HttpResponse<String> late = server.send(HttpRequest.newBuilder(expired).build());
    assertThat(late.statusCode()).isEqualTo(403);
    assertThat(TestServer.json(late).get("code").asText()).isEqualTo("link_expired");
    assertThat(TestServer.json(late).get("detail").asText()).contains("expired");

    URI gone = server.app.defaults.localStore.signedLink("1/" + RunId.random() + "/attempt-1/x.jsonl", "x.jsonl",
        Instant.now().plusSeconds(60));
    assertThat(server.send(HttpRequest.newBuilder(gone).build()).statusCode()).isEqualTo(404);
  }

  @Test
  void unknownRoutesAndMethodsAnswerInJson() {
    HttpResponse<String> unknown = server.get("/api/projects/1/nothing_here/", server.key);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(TestServer.json(unknown).get("type").asText()).isEqualTo("invalid_request");
    HttpResponse<String> method = server.send(HttpRequest.newBuilder(server.uri(RUNS))
        .header("Authorization", "Bearer " + server.key).DELETE().build());
    assertError(method, 405, "invalid_request", "method_not_allowed", "Method \"DELETE\" not allowed here; use GET, POST.");
    assertThat(method.headers().firstValue("Allow")).hasValue("GET, POST");
    HttpResponse<String> schema = server.send(HttpRequest.newBuilder(server.uri("/api/schema/"))
        .PUT(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(schema.statusCode()).isEqualTo(405);
    assertThat(schema.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void emptyMediaRangesInAcceptAreSkipped() {
    for (String accept : List.of(";", ";;", ",", "application/json,;")) {
      HttpResponse<String> schema = server.send(HttpRequest.newBuilder(server.uri("/api/schema/"))
          .header("Accept", accept).build());
      assertThat(schema.statusCode()).as("Accept: %s", accept).isEqualTo(200);
    }
  }
}
