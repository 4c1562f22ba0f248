package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fdbe.Compression;
import dev.fdbe.FileConfig;
import dev.fdbe.FileFormat;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API over real HTTP: create in each format, poll to Completed, follow the download redirect
 * with a plain HTTP client, and check the bytes with DuckDB against the source rows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpApiIT {
  @TempDir
  static Path directory;

  private TestServer server;

  @BeforeAll
  void start() throws Exception {
    server = new TestServer(directory.resolve("data"), 20_000, 4);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  /** The uuids of team 1's events yesterday, in export order, straight from the source tables. */
  private List<String> sourceUuids() throws Exception {
    Instant[] day = TestServer.yesterday();
    List<String> uuids = new ArrayList<>();
    try (Connection connection = server.app.defaults.dataSource.getConnection();
        PreparedStatement select = connection.prepareStatement("SELECT uuid FROM events WHERE team_id = 1 "
            + "AND timestamp >= ? AND timestamp < ? ORDER BY timestamp, uuid")) {
      select.setObject(1, OffsetDateTime.ofInstant(day[0], ZoneOffset.UTC));
      select.setObject(2, OffsetDateTime.ofInstant(day[1], ZoneOffset.UTC));
      try (ResultSet rs = select.executeQuery()) {
        while (rs.next()) {
          uuids.add(rs.getString(1));
        }
      }
    }
    return uuids;
  }

  private static List<String> duckUuids(Path file, FileFormat format) throws Exception {
    String path = "'" + file.toString().replace("'", "''") + "'";
    String from = switch (format) {
      case PARQUET -> "read_parquet(" + path + ")";
      case CSV -> "read_csv(" + path + ", header = true, columns = {'uuid': 'VARCHAR', 'event': 'VARCHAR', "
          + "'properties': 'JSON', 'distinct_id': 'VARCHAR', 'timestamp': 'TIMESTAMPTZ', 'created_at': 'TIMESTAMPTZ', "
          + "'_inserted_at': 'TIMESTAMPTZ', 'elements_chain': 'VARCHAR', 'person_id': 'VARCHAR', "
          + "'person_properties': 'JSON'})";
      case JSON_LINES -> "read_json(" + path + ", format = 'newline_delimited')";
    };
    List<String> uuids = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement();
        ResultSet rs = statement.executeQuery("SELECT uuid, json_extract_string(properties, '$.\"$pathname\"') AS path "
            + "FROM " + from)) {
      while (rs.next()) {
        uuids.add(rs.getString(1));
        assertThat(rs.getString(2)).as("nested JSON is readable").startsWith("/");
      }
    }
    return uuids;
  }

  @ParameterizedTest(name = "{0} {1} {2}")
  @CsvSource({
      "projects, JSONLines, ",
      "environments, JSONLines, gzip",
      "projects, CSV, zstd",
      "environments, CSV, ",
      "projects, Parquet, zstd",
      "environments, Parquet, snappy",
  })
  void exportPollDownloadAndReadBack(String family, String format, String compression) throws Exception {
    String file = "{\"format\": \"" + format + "\", \"compression\": " + (compression == null ? "null"
        : "\"" + compression + "\"") + "}";
    String id = server.create(family, "events", file);

    JsonNode run = server.awaitTerminal(family, id);
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Completed");
    assertThat(run.get("files")).hasSize(1);
    assertThat(run.get("records_completed").asLong()).isPositive();
    assertThat(run.get("records_total").isIntegralNumber()).as("the JDBC source counts: %s", run).isTrue();
    assertThat(run.get("records_total").asLong()).isEqualTo(run.get("records_completed").asLong());

    HttpResponse<String> redirect = server.get("/api/" + family + "/1/file_download_batch_exports/" + id + "/download/",
        server.key);
    assertThat(redirect.statusCode()).isEqualTo(302);
    assertThat(redirect.headers().firstValue("Cache-Control")).contains("no-store");
    URI location = URI.create(redirect.headers().firstValue("Location").orElseThrow());

    HttpResponse<Path> download = server.http.send(HttpRequest.newBuilder(location).GET().build(),
        HttpResponse.BodyHandlers.ofFile(directory.resolve(id + "." + new FileConfig(FileFormat.fromWireName(format)
            .orElseThrow(), Compression.fromWireName(compression).orElseThrow(), 0).extension())));
    assertThat(download.statusCode()).isEqualTo(200);
    String name = server.json(server.get("/api/" + family + "/1/file_download_batch_exports/" + id + "/manifest",
        server.key)).get("files").get(0).get("name").asText();
    assertThat(download.headers().firstValue("Content-Disposition")).contains("attachment; filename=\"" + name + "\"");
    assertThat(Files.size(download.body())).isEqualTo(run.get("bytes_exported").asLong());

    Path readable = download.body();
    if (compression != null && !format.equals("Parquet")) {
      readable = directory.resolve(id + ".plain");
      try (var in = dev.fdbe.format.compress.StreamCodec.of(Compression.fromWireName(compression).orElseThrow())
          .decompress(Files.newInputStream(download.body()))) {
        Files.copy(in, readable);
      }
    }
    assertThat(duckUuids(readable, FileFormat.fromWireName(format).orElseThrow())).isEqualTo(sourceUuids());
  }

  @Test
  void localLinksServeOneRangeOfBytesWithAnEntityTag() throws Exception {
    String id = server.create("projects", "events", "{\"format\": \"CSV\"}");
    assertThat(server.awaitTerminal("projects", id).get("status").asText()).isEqualTo("Completed");
    URI link = URI.create(server.get("/api/projects/1/file_download_batch_exports/" + id + "/download/", server.key)
        .headers().firstValue("Location").orElseThrow());

    HttpResponse<byte[]> whole = fetch(link, "GET");
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");
    assertThat(whole.headers().firstValue("Cache-Control")).contains("private, no-store");
    assertThat(whole.headers().firstValue("Content-Type")).contains("text/csv; charset=utf-8");
    String tag = whole.headers().firstValue("ETag").orElseThrow();
    assertThat(tag).matches("\"[A-Za-z0-9_-]{22}\"");
    byte[] all = whole.body();
    int size = all.length;
    assertThat(size).isGreaterThan(100);

    HttpResponse<byte[]> part = fetch(link, "GET", "Range", "bytes=10-49");
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(part.headers().firstValue("Content-Range")).contains("bytes 10-49/" + size);
    assertThat(part.headers().firstValue("Content-Length")).contains("40");
    assertThat(part.headers().firstValue("ETag")).contains(tag);
    assertThat(part.body()).isEqualTo(Arrays.copyOfRange(all, 10, 50));

    HttpResponse<byte[]> rest = fetch(link, "GET", "Range", "bytes=" + (size - 30) + "-", "If-Range", tag);
    assertThat(rest.statusCode()).isEqualTo(206);
    assertThat(rest.body()).isEqualTo(Arrays.copyOfRange(all, size - 30, size));
    HttpResponse<byte[]> suffix = fetch(link, "GET", "Range", "bytes=-7");
    assertThat(suffix.body()).isEqualTo(Arrays.copyOfRange(all, size - 7, size));

    HttpResponse<byte[]> beyond = fetch(link, "GET", "Range", "bytes=" + size + "-");
    assertThat(beyond.statusCode()).isEqualTo(416);
    assertThat(beyond.headers().firstValue("Content-Range")).contains("bytes */" + size);
    assertThat(JsonBodies.MAPPER.readTree(beyond.body()).get("code").asText()).isEqualTo("range_not_satisfiable");

    HttpResponse<byte[]> changed = fetch(link, "GET", "Range", "bytes=10-49", "If-Range", "\"another\"");
    assertThat(changed.statusCode()).isEqualTo(200);
    assertThat(changed.body()).isEqualTo(all);
    HttpResponse<byte[]> head = fetch(link, "HEAD", "Range", "bytes=10-49");
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).contains(Integer.toString(size));
    assertThat(fetch(link, "GET", "If-None-Match", tag).statusCode()).isEqualTo(304);
  }

  private HttpResponse<byte[]> fetch(URI link, String method, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(link).method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return server.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void bothUrlFamiliesAndBothSlashesReachTheSameRuns() {
    String id = server.create("projects", "sessions", "{\"format\": \"JSONLines\"}");
    for (String path : List.of("/api/projects/1/file_download_batch_exports/" + id + "/",
        "/api/projects/1/file_download_batch_exports/" + id,
        "/api/environments/1/file_download_batch_exports/" + id + "/",
        "/api/environments/1/file_download_batch_exports/" + id)) {
      HttpResponse<String> response = server.get(path, server.key);
      assertThat(response.statusCode()).as(path).isEqualTo(200);
      assertThat(TestServer.json(response).get("id").asText()).isEqualTo(id);
    }
    assertThat(server.get("/api/environments/1/file_download_batch_exports", server.key).statusCode()).isEqualTo(200);
  }

  @Test
  void listPagesWithAbsoluteNextAndPreviousUrls() {
    for (int i = 0; i < 3; i++) {
      server.create("projects", "persons", "{\"format\": \"CSV\"}");
    }
    JsonNode first = TestServer.json(server.get("/api/projects/1/file_download_batch_exports/?limit=2", server.key));
    long count = first.get("count").asLong();
    assertThat(count).isGreaterThanOrEqualTo(3);
    assertThat(first.get("results")).hasSize(2);
    assertThat(first.get("previous").isNull()).isTrue();
    String next = first.get("next").asText();
    assertThat(next).isEqualTo(server.base + "/api/projects/1/file_download_batch_exports/?limit=2&offset=2");

    JsonNode second = TestServer.json(server.send(HttpRequest.newBuilder(URI.create(next))
        .header("Authorization", "Bearer " + server.key).build()));
    assertThat(second.get("previous").asText())
        .isEqualTo(server.base + "/api/projects/1/file_download_batch_exports/?limit=2&offset=0");
    assertThat(second.get("results").get(0).get("id").asText())
        .isNotEqualTo(first.get("results").get(0).get("id").asText());
    JsonNode capped = TestServer.json(server.get("/api/projects/1/file_download_batch_exports/?limit=5000",
        server.key));
    assertThat(capped.get("results").size()).isEqualTo((int) Math.min(count, 1000));
  }

  @Test
  void logsFilterAndPageNewestFirst() throws Exception {
    String id = server.create("projects", "events", "{\"format\": \"JSONLines\", \"max_size_mb\": 1}");
    server.awaitTerminal("projects", id);
    String logs = "/api/projects/1/file_download_batch_exports/" + id + "/logs/";

    // The worker writes the completion line just after it commits the run Completed.
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).untilAsserted(() ->
        assertThat(TestServer.json(server.get(logs, server.key)).get("results").get(0).get("message").asText())
            .startsWith("Export completed:"));
    JsonNode all = TestServer.json(server.get(logs, server.key));
    assertThat(all.get("results").get(0).get("message").asText()).startsWith("Export completed:");
    assertThat(all.get("results").get(0).get("log_source_id").asText()).isEqualTo(id);
    assertThat(all.get("results").get(0).get("level").asText()).isEqualTo("INFO");
    JsonNode parts = TestServer.json(server.get(logs + "?search=WROTE%20PART&level=info&level=DEBUG", server.key));
    assertThat(parts.get("count").asLong()).isPositive();
    parts.get("results").forEach(r -> assertThat(r.get("message").asText()).startsWith("Wrote part"));

    JsonNode page = TestServer.json(server.get(logs + "?limit=1", server.key));
    assertThat(page.get("results")).hasSize(1);
    JsonNode following = TestServer.json(server.send(HttpRequest.newBuilder(URI.create(page.get("next").asText()))
        .header("Authorization", "Bearer " + server.key).build()));
    assertThat(following.get("results").get(0).get("timestamp").asText())
        .isLessThan(page.get("results").get(0).get("timestamp").asText());
    String instance = following.get("results").get(0).get("instance_id").asText();
    JsonNode byInstance = TestServer.json(server.get(logs + "?instance_id=" + instance, server.key));
    byInstance.get("results").forEach(r -> assertThat(r.get("instance_id").asText()).isEqualTo(instance));
  }

  @Test
  void manifestListsEveryFileInKeyOrder() throws Exception {
    String id = server.create("environments", "events", "{\"format\": \"CSV\", \"compression\": \"gzip\"}");
    server.awaitTerminal("environments", id);

    JsonNode manifest = TestServer.json(server.get("/api/environments/1/file_download_batch_exports/" + id
        + "/manifest/", server.key));

    assertThat(manifest.get("run_id").asText()).isEqualTo(id);
    assertThat(manifest.get("format").asText()).isEqualTo("CSV");
    assertThat(manifest.get("compression").asText()).isEqualTo("gzip");
    assertThat(manifest.get("schema").get(4).get("name").asText()).isEqualTo("timestamp");
    assertThat(manifest.get("schema").get(4).get("type").asText()).isEqualTo("timestamp");
    JsonNode file = manifest.get("files").get(0);
    assertThat(file.get("name").asText()).endsWith("-00000.csv.gz");
    assertThat(file.get("sha256").asText()).hasSize(64);
    assertThat(manifest.get("records").asLong()).isEqualTo(file.get("records").asLong());
  }
}
