package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.AttemptId;
import dev.fdbe.ExportRequest;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import dev.fdbe.Model;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.TeamId;
import dev.fdbe.spi.RunRecord;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The public reference page's {@code curl} examples, sent as curl sends them (method, headers, body)
 * with only the host, ids and key changed, for both URL families. Where that page and our documented
 * API (docs/http-api.md) differ, ours wins: a download answers 302 with the link, not 200.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SeedExamplesIT {
  @TempDir
  static Path directory;

  private TestServer server;
  private String completed;

  @BeforeAll
  void start() throws Exception {
    server = new TestServer(directory, 2_000, 2);
    completed = server.create("projects", "events", "{\"format\": \"JSONLines\"}");
    server.awaitTerminal("projects", completed);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** curl's own headers, and the seed's Authorization header. */
  private HttpRequest.Builder curl(String path) {
    return HttpRequest.newBuilder(server.uri(path))
        .header("User-Agent", "curl/7.88.1")
        .header("Accept", "*/*")
        .header("Authorization", "Bearer " + server.key);
  }

  private RunId running() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Instant[] day = TestServer.yesterday();
    RunId id = RunId.random();
    server.app.defaults.runStore.insert(new RunRecord(id, TeamId.of(1), ExportRequest.builder(Model.EVENTS, day[0],
        day[1]).file(FileConfig.of(FileFormat.JSON_LINES)).build(), RunStatus.RUNNING, null, 0, 0, 0, now, now,
        null, 1, AttemptId.random(), "an engine elsewhere", now.plus(Duration.ofHours(1)), 1, false), 1000);
    return id;
  }

  @ParameterizedTest
  @ValueSource(strings = {"projects", "environments"})
  void listExample(String family) {
    // curl -H "Authorization: Bearer $POSTHOG_PERSONAL_API_KEY" <ph_app_host>/api/<family>/:id/file_download_batch_exports/
    HttpResponse<String> response = server.send(curl("/api/" + family + "/1/file_download_batch_exports/").GET().build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = TestServer.json(response);
    assertThat(body.fieldNames()).toIterable().contains("count", "next", "previous", "results");
    assertThat(body.get("results").get(0).fieldNames()).toIterable().contains("id", "status");
  }

  @ParameterizedTest
  @ValueSource(strings = {"projects", "environments"})
  void retrieveExample(String family) {
    // curl -H "Authorization: Bearer $KEY" <ph_app_host>/api/<family>/:id/file_download_batch_exports/:id/
    HttpResponse<String> response = server.send(curl("/api/" + family + "/1/file_download_batch_exports/" + completed
        + "/").GET().build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(TestServer.json(response).get("status").asText()).isEqualTo("Completed");
  }

  @ParameterizedTest
  @ValueSource(strings = {"projects", "environments"})
  void cancelExampleWithItsFormEncodedBodyAndJsonContentType(String family) {
    RunId id = running();
    // curl -H 'Content-Type: application/json' -H "Authorization: Bearer $KEY" <host>/api/<family>/:id/
    //   file_download_batch_exports/:id/cancel/ -d file=undefined, -d model=undefined,
    //   -d data_interval_start="string", -d data_interval_end="string"
    // curl joins -d values with '&' and POSTs them; the shell has removed the double quotes.
    String body = "file=undefined,&model=undefined,&data_interval_start=string,&data_interval_end=string";
    HttpResponse<String> response = server.send(curl("/api/" + family + "/1/file_download_batch_exports/" + id
        + "/cancel/").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
        .build());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(TestServer.json(response).get("status").asText()).isEqualTo("Cancelled");
  }

  @ParameterizedTest
  @ValueSource(strings = {"projects", "environments"})
  void downloadExample(String family) {
    // curl -H "Authorization: Bearer $KEY" <ph_app_host>/api/<family>/:id/file_download_batch_exports/:id/download/
    HttpResponse<String> response = server.send(curl("/api/" + family + "/1/file_download_batch_exports/" + completed
        + "/download/").GET().build());

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(response.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains(
        "/fdbe/local-downloads/"));
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
  }

  @ParameterizedTest
  @ValueSource(strings = {"projects", "environments"})
  void logsExample(String family) {
    // curl -H "Authorization: Bearer $KEY" <ph_app_host>/api/<family>/:id/file_download_batch_exports/:id/logs/
    HttpResponse<String> response = server.send(curl("/api/" + family + "/1/file_download_batch_exports/" + completed
        + "/logs/").GET().build());

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode first = TestServer.json(response).get("results").get(0);
    assertThat(first.fieldNames()).toIterable()
        .containsExactly("log_source_id", "instance_id", "timestamp", "level", "message");
  }
}
