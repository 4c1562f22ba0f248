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
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import dev.fdbe.spi.RunRecord;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The server in this JVM on a free port, on its embedded defaults in a temporary directory, with
 * demo data and keys for the tests: {@link #key} (team 1, every scope), {@link #readKey},
 * {@link #writeKey} and {@link #team2Key}.
 */
final class TestServer implements AutoCloseable {
  static final String KEY = "fdbe_test_key_team1_all_scopes_0123456789";

  final ServerApp app;
  final URI base;
  final String key = KEY;
  final String readKey;
  final String writeKey;
  final String team2Key;
  final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
      .connectTimeout(Duration.ofSeconds(5)).build();

  TestServer(Path directory, int demoRows, int workers) throws Exception {
    this(directory, demoRows, workers, null);
  }

  /** A server on the database the JDBC URL names, or on the embedded H2 file when it is null. */
  TestServer(Path directory, int demoRows, int workers, @Nullable String databaseUrl) throws Exception {
    this(directory, demoRows, workers, databaseUrl, FdbeServer.DEFAULT_REQUEST_DEADLINE,
        FdbeServer.DEFAULT_MAX_CONNECTIONS_PER_ADDRESS);
  }

  /** A server with the request deadline and the connections per address given (see {@link ClientLimits}). */
  TestServer(Path directory, int demoRows, int workers, @Nullable String databaseUrl, Duration requestDeadline,
      int maxConnectionsPerAddress) throws Exception {
    this(directory, demoRows, workers, databaseUrl, requestDeadline, maxConnectionsPerAddress, null);
  }

  /** A server whose local download links start with the link base URL, or the default one when it is null. */
  TestServer(Path directory, int demoRows, int workers, @Nullable String databaseUrl, Duration requestDeadline,
      int maxConnectionsPerAddress, @Nullable URI linkBaseUrl) throws Exception {
    ServerApp.Settings settings = new ServerApp.Settings(directory, "127.0.0.1", 0, null, linkBaseUrl, demoRows,
        workers, Duration.ofSeconds(5), KEY, Set.of(TeamId.of(1)), null, databaseUrl,
        ServerApp.Settings.defaultMaxConnections(workers), Map.of(), AuthThrottle.DEFAULT_LIMIT_PER_MINUTE,
        requestDeadline, maxConnectionsPerAddress, true);
    app = ServerApp.start(settings, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    base = app.publicUrl;
    readKey = app.keys.create(Set.of(TeamId.of(1)), EnumSet.of(Scope.READ), "read").secret();
    writeKey = app.keys.create(Set.of(TeamId.of(1)), EnumSet.of(Scope.WRITE), "write").secret();
    team2Key = app.keys.create(Set.of(TeamId.of(2)), EnumSet.of(Scope.ALL), "team 2").secret();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  /** Yesterday, midnight to midnight UTC: inside the demo data, never in the future. */
  static Instant[] yesterday() {
    Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
    return new Instant[] {end.minus(Duration.ofDays(1)), end};
  }

  URI uri(String path) {
    return base.resolve(path);
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  HttpResponse<String> get(String path, String apiKey) {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + apiKey).GET().build());
  }

  HttpResponse<String> post(String path, String apiKey, String json) {
    return send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + apiKey)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  static JsonNode json(HttpResponse<String> response) {
    try {
      return JsonBodies.MAPPER.readTree(response.body());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + response.body(), e);
    }
  }

  /** Creates an export of yesterday's rows for team 1 through the API; returns its id. */
  String create(String family, String model, String fileJson) {
    Instant[] day = yesterday();
    HttpResponse<String> response = post("/api/" + family + "/1/file_download_batch_exports/", key,
        "{\"model\": \"" + model + "\", \"file\": " + fileJson + ", \"data_interval_start\": \"" + day[0]
            + "\", \"data_interval_end\": \"" + day[1] + "\"}");
    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    return json(response).get("id").asText();
  }

  /** Polls a run until it reaches a terminal status; returns the last retrieve body. */
  JsonNode awaitTerminal(String family, String id) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      JsonNode run = json(get("/api/" + family + "/1/file_download_batch_exports/" + id + "/", key));
      String status = run.get("status").asText();
      if (!status.equals("Starting") && !status.equals("Running")) {
        return run;
      }
      assertThat(System.nanoTime()).as("run %s still %s", id, status).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Override
  public void close() {
    app.close();
  }

  /** A run put straight into the run store, held by an engine elsewhere so that no worker here takes it. */
  RunId insertRun(TeamId team, RunStatus status) {
    Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
    Instant[] day = yesterday();
    ExportRequest request = ExportRequest.builder(Model.EVENTS, day[0], day[1])
        .file(FileConfig.of(FileFormat.JSON_LINES)).build();
    RunId id = RunId.random();
    app.defaults.runStore.insert(new RunRecord(id, team, request, status,
        status.isFailure() ? "it broke" : null, 0, 0, 0, now, now, status.isTerminal() ? now : null, 1,
        AttemptId.random(), "an engine elsewhere", now.plus(Duration.ofHours(1)), 1, true), 1000);
    return id;
  }
}
