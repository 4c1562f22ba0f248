package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.testing.TestDatabases;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers on one PostgreSQL database ({@code --database-url}) and one shared storage directory:
 * started together they set the database up once, and a run created through one is read, and
 * downloaded, through the other.
 */
@Tag("postgres")
class SharedDatabaseIT {
  private static final int DEMO_ROWS = 4_000;

  @TempDir
  Path directory;

  private final TestDatabases.PostgresSchema schema = TestDatabases.postgres();
  private final String url = schema.url();

  @AfterEach
  void drop() {
    schema.drop();
  }

  private static long count(Connection connection, String sql) throws Exception {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void twoServersShareRunsKeysAndDemoData() throws Exception {
    CompletableFuture<TestServer> startA = CompletableFuture.supplyAsync(() -> start());
    CompletableFuture<TestServer> startB = CompletableFuture.supplyAsync(() -> start());
    try (TestServer a = startA.join(); TestServer b = startB.join()) {
      try (Connection connection = schema.dataSource().getConnection()) {
        assertThat(count(connection, "SELECT COUNT(*) FROM events")).as("demo data generated once")
            .isEqualTo(DEMO_ROWS);
        assertThat(count(connection, "SELECT COUNT(*) FROM fdbe_api_keys WHERE label = 'FDBE_API_KEY'")).isOne();
      }

      String id = a.create("projects", "events", "{\"format\": \"JSONLines\"}");
      JsonNode run = b.awaitTerminal("projects", id);
      assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Completed");
      Instant[] day = TestServer.yesterday();
      long expected;
      try (Connection connection = schema.dataSource().getConnection()) {
        expected = count(connection, "SELECT COUNT(*) FROM events WHERE team_id = 1 AND timestamp >= '" + day[0]
            + "' AND timestamp < '" + day[1] + "'");
      }
      assertThat(run.get("records_completed").asLong()).isEqualTo(expected).isPositive();

      HttpResponse<String> redirect = b.get("/api/projects/1/file_download_batch_exports/" + id + "/download/", b.key);
      assertThat(redirect.statusCode()).isEqualTo(302);
      HttpResponse<String> download = b.send(HttpRequest.newBuilder(
          URI.create(redirect.headers().firstValue("Location").orElseThrow())).GET().build());
      assertThat(download.statusCode()).isEqualTo(200);
      assertThat(download.body().lines().count()).isEqualTo(expected);

      // A key made by one server's command line works on the other.
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      int code = Main.run(List.of("keys", "create", "--database-url", url, "--team", "1", "--scopes", "*"),
          new PrintStream(out, true, StandardCharsets.UTF_8), System.err, Map.of());
      assertThat(code).isZero();
      List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
      String key = lines.get(lines.size() - 1);
      assertThat(a.get("/api/projects/1/file_download_batch_exports/" + id + "/", key).statusCode()).isEqualTo(200);
    }
  }

  private TestServer start() {
    try {
      return new TestServer(directory, DEMO_ROWS, 2, url);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
