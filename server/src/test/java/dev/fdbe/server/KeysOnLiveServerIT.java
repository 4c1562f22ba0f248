package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code keys} commands run against a serving, exporting instance: each command ten times while
 * exports run and clients keep calling the API. No request fails, no export loses an attempt, and
 * every command does what it says.
 */
class KeysOnLiveServerIT {
  private static final String RUNS = "/api/projects/1/file_download_batch_exports/";
  private static final int ROUNDS = 10;
  private static final int ACTIVE_EXPORTS = 3;
  private static final String NOT_AN_ATTEMPT = "00000000-0000-0000-0000-000000000000";

  @TempDir
  Path directory;

  @Test
  void keysCommandsOnTheEmbeddedDatabaseDisturbNothing() throws Exception {
    try (TestServer server = new TestServer(directory, 50_000, 1)) {
      exerciseKeysWhileExporting(server, List.of("--data-dir", directory.toString()));
    }
  }

  @Test
  @Tag("postgres")
  void keysCommandsOnASharedPostgresDatabaseDisturbNothing() throws Exception {
    TestDatabases.PostgresSchema schema = TestDatabases.postgres();
    try (TestServer server = new TestServer(directory, 50_000, 1, schema.url())) {
      exerciseKeysWhileExporting(server, List.of("--database-url", schema.url()));
    } finally {
      schema.drop();
    }
  }

  private void exerciseKeysWhileExporting(TestServer server, List<String> where) throws Exception {
    List<String> runs = new CopyOnWriteArrayList<>();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    AtomicBoolean done = new AtomicBoolean();
    for (int i = 0; i < ACTIVE_EXPORTS; i++) {
      runs.add(createWeekExport(server));
    }
    // A client that keeps the API busy and keeps exports running until the commands are done.
    Thread client = new Thread(() -> {
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      for (int i = 0; i < 100_000 && !done.get() && System.nanoTime() < deadline; i++) {
        try {
          check(server.get(RUNS + "?limit=5", server.key), 200, failures);
          String latest = runs.get(runs.size() - 1);
          HttpResponse<String> run = server.get(RUNS + latest + "/", server.key);
          check(run, 200, failures);
          check(server.get(RUNS + latest + "/logs/", server.readKey), 200, failures);
          if (run.statusCode() == 200 && !TestServer.json(run).get("status").asText().matches("Starting|Running")) {
            runs.add(createWeekExport(server));
          }
        } catch (RuntimeException | AssertionError e) {
          failures.add(e.toString());
        }
      }
    }, "api-client");
    client.start();

    List<String> created = new ArrayList<>();
    try {
      for (int round = 0; round < ROUNDS; round++) {
        List<String> output = keys(where, "create", "--team", "1", "--scopes", "batch_export:read", "--label",
            "live " + round);
        String secret = output.get(output.size() - 1);
        created.add(output.get(0).split(" ")[2]);
        assertThat(server.get(RUNS, secret).statusCode()).as("a new key works at once").isEqualTo(200);
      }
      for (int round = 0; round < ROUNDS; round++) {
        assertThat(String.join("\n", keys(where, "list"))).contains("(live 9)");
      }
      for (String id : created) {
        assertThat(keys(where, "revoke", "--id", id).get(0)).startsWith("Revoked key " + id);
      }
      assertThat(String.join("\n", keys(where, "list")).lines().filter(l -> l.contains("(live ")))
          .hasSize(ROUNDS).allMatch(l -> l.contains("revoked"));
    } finally {
      done.set(true);
      client.join(Duration.ofMinutes(2).toMillis());
    }

    assertThat(failures).as("requests answered otherwise than expected").isEmpty();
    assertThat(runs.size()).as("exports ran while the commands did").isGreaterThan(ACTIVE_EXPORTS - 1);
    for (String id : runs) {
      JsonNode run = server.awaitTerminal("projects", id);
      assertThat(run.get("status").asText()).as("run %s: %s", id, run).isEqualTo("Completed");
      JsonNode logs = TestServer.json(server.get(RUNS + id + "/logs/?limit=500", server.key));
      Set<String> attempts = new HashSet<>();
      logs.get("results").forEach(entry -> attempts.add(entry.get("instance_id").asText()));
      attempts.remove(NOT_AN_ATTEMPT); // the "Export created" line
      assertThat(attempts).as("run %s lost no attempt: %s", id, logs).hasSize(1);
    }
  }

  private static void check(HttpResponse<String> response, int expected, ConcurrentLinkedQueue<String> failures) {
    if (response.statusCode() != expected) {
      failures.add(response.statusCode() + " " + response.uri() + ": " + response.body());
    }
  }

  private static String createWeekExport(TestServer server) {
    Instant end = Instant.now().truncatedTo(ChronoUnit.DAYS);
    HttpResponse<String> created = server.post(RUNS, server.key, "{\"model\": \"events\", \"file\": {\"format\": "
        + "\"Parquet\", \"compression\": \"gzip\"}, \"data_interval_start\": \"" + end.minus(Duration.ofDays(7))
        + "\", \"data_interval_end\": \"" + end + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
    return TestServer.json(created).get("id").asText();
  }

  private static List<String> keys(List<String> where, String command, String... options) {
    List<String> args = new ArrayList<>(List.of("keys", command));
    args.addAll(where);
    args.addAll(List.of(options));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of());
    assertThat(code).as("keys %s: %s", command, err.toString(StandardCharsets.UTF_8)).isZero();
    return out.toString(StandardCharsets.UTF_8).lines().toList();
  }
}
