package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar on its defaults, stopped with SIGTERM while exports are pending: it stops
 * accepting, hands the unfinished exports over, exits, and on the next start every export
 * completes. Nothing is lost.
 */
class GracefulShutdownIT {
  private static final String KEY = "fdbe_graceful_shutdown_test_key_0123456789";

  @TempDir
  Path directory;

  private final HttpClient http = HttpClient.newHttpClient();

  private ServerProcess start(int port) throws Exception {
    return ServerProcess.serve(Map.of("FDBE_API_KEY", KEY), "--data-dir", directory.toString(), "--port",
        Integer.toString(port), "--demo-rows", "100000", "--workers", "1", "--shutdown-grace", "1");
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.header("Authorization", "Bearer " + KEY).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void sigtermHandsPendingExportsOverAndTheNextStartCompletesThem() throws Exception {
    int port = TestServer.freePort();
    URI runs = URI.create("http://127.0.0.1:" + port + "/api/projects/1/file_download_batch_exports/");
    ServerProcess first = start(port);
    List<String> ids = new ArrayList<>();
    Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
    // Eight exports of six days each (about 85,000 rows apiece) on one worker: far more work than
    // the one-second grace period lets finish, however fast the machine.
    for (int run = 0; run < 8; run++) {
      String body = "{\"model\": \"events\", \"file\": {\"format\": \"CSV\", \"compression\": \"gzip\"}, "
          + "\"data_interval_start\": \"" + end.minus(Duration.ofDays(6)) + "\", \"data_interval_end\": \""
          + end + "\"}";
      HttpResponse<String> created = send(HttpRequest.newBuilder(runs).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
      ids.add(TestServer.json(created).get("id").asText());
    }

    assertThat(first.terminate()).as("the server exits after its grace period").isTrue();
    assertThat(first.output()).contains("Shutting down");
    assertThat(unfinished()).as("some exports were still pending at shutdown").isPositive();

    try (ServerProcess second = start(port)) {
      for (String id : ids) {
        // Generous: one worker exports them in turn, on a machine that may be busy; the first may
        // also wait out the lease of an export the stopped server did not get to hand over.
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        JsonNode run;
        do {
          Thread.sleep(100);
          run = TestServer.json(send(HttpRequest.newBuilder(runs.resolve(id + "/")).GET()));
        } while (!run.get("status").asText().equals("Completed") && System.nanoTime() < deadline);
        assertThat(run.get("status").asText()).as("run %s: %s", id, run).isEqualTo("Completed");
        HttpResponse<String> download = send(HttpRequest.newBuilder(runs.resolve(id + "/download/")).GET());
        assertThat(download.statusCode()).isEqualTo(302);
      }
    }
  }

  /** Runs not completed, read from the database file while no server holds it. */
  private long unfinished() throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:h2:" + directory.resolve("fdbe"), "sa",
        ""); Statement statement = connection.createStatement()) {
      long count;
      try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM fdbe_runs WHERE status <> 'Completed'")) {
        rs.next();
        count = rs.getLong(1);
      }
      statement.execute("SHUTDOWN");
      return count;
    }
  }
}
