package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.fdbe.RunId;
import dev.fdbe.RunStatus;
import dev.fdbe.Scope;
import dev.fdbe.TeamId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI description against the running server, so that neither can drift from the other:
 * every path, method and documented status of the document is driven at least once, for both URL
 * families, and every request and response is checked against the document ({@link OpenApiContract}:
 * swagger-parser reads it, networknt's JSON Schema validator checks bodies, parameters and headers).
 * A request the document forbids must be one the test meant to be wrong; a response must always
 * be as documented. The last test fails naming every documented answer that no request drew.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class OpenApiIT {
  private static final List<String> FAMILIES = List.of("projects", "environments");
  private static final String NO_SUCH_KEY = "fdbe_no_such_key_anywhere_0123456789";

  @TempDir
  static Path directory;

  private TestServer server;
  private OpenApiContract contract;
  private final Set<OpenApiContract.Key> covered = new TreeSet<>();
  private String completed;
  private String fileId;
  private RunId running;
  private RunId failed;
  private RunId cancelled;

  @BeforeAll
  void start() throws Exception {
    server = new TestServer(directory, 5_000, 2);
    contract = OpenApiContract.of(OpenApiContract.resourceText());
    assertThat(contract.parserMessages()).isEmpty();
    completed = server.create("projects", "events", "{\"format\": \"JSONLines\"}");
    JsonNode run = server.awaitTerminal("projects", completed);
    assertThat(run.get("status").asText()).as(run.toString()).isEqualTo("Completed");
    assertThat(run.get("files").size()).isEqualTo(1);
    fileId = run.get("files").get(0).asText();
    running = insert(TeamId.of(1), RunStatus.RUNNING);
    failed = insert(TeamId.of(1), RunStatus.FAILED);
    cancelled = insert(TeamId.of(1), RunStatus.CANCELLED);
  }

  @AfterAll
  void stop() {
    server.close();
  }

  // ---------------------------------------------------------------- the document itself

  @Test
  @Order(1)
  void theDescriptionIsServedAsWrittenAndAsJson() throws IOException {
    OpenApiContract.Exchange yaml = expect(200, true, "GET", "/api/schema/", Map.of(), null, null);
    assertThat(header(yaml, "Content-Type")).isEqualTo("application/vnd.oai.openapi; charset=utf-8");
    assertThat(text(yaml)).isEqualTo(OpenApiContract.resourceText());

    JsonNode document = new YAMLMapper().readTree(OpenApiContract.resourceText());
    OpenApiContract.Exchange json = expect(200, true, "GET", "/api/schema?format=json", Map.of(), null, null);
    assertThat(header(json, "Content-Type")).isEqualTo("application/vnd.oai.openapi+json");
    assertThat(JsonBodies.MAPPER.readTree(json.responseBody())).isEqualTo(document);
    assertThat(OpenApiContract.of(text(json)).parserMessages()).as("the served JSON, for swagger-parser").isEmpty();

    OpenApiContract.Exchange accepted = expect(200, true, "GET", "/api/schema/",
        Map.of("Accept", "application/json"), null, null);
    assertThat(JsonBodies.MAPPER.readTree(accepted.responseBody())).isEqualTo(document);
    OpenApiContract.Exchange overruled = expect(200, true, "GET", "/api/schema/?format=yaml",
        Map.of("Accept", "application/json"), null, null);
    assertThat(text(overruled)).isEqualTo(OpenApiContract.resourceText());
    OpenApiContract.Exchange unknown = expect(400, false, "GET", "/api/schema/?format=xml", Map.of(), null, null);
    assertThat(json(unknown).get("attr").asText()).isEqualTo("format");
  }

  // ---------------------------------------------------------------- the runs of both URL families

  @Test
  @Order(2)
  void listingRuns() {
    for (String family : FAMILIES) {
      String runs = runs(family, "1");
      assertThat(json(get(200, true, runs, server.key)).get("count").asInt()).isGreaterThanOrEqualTo(4);
      JsonNode page = json(get(200, true, runs + "?limit=1&offset=1", server.key));
      assertThat(page.get("next").isTextual() && page.get("previous").isTextual()).as(page.toString()).isTrue();
      assertThat(page.get("results").size()).isEqualTo(1);
      get(400, false, runs + "?limit=-1", server.key);
      get(400, false, runs + "?offset=01", server.key);
      get(401, false, runs, null);
      get(401, true, runs, NO_SUCH_KEY);
      get(403, true, runs, server.writeKey);
      get(403, true, runs(family, "2"), server.key);
      get(404, false, runs(family, "0"), server.key);
    }
  }

  @Test
  @Order(3)
  void creatingRuns() {
    for (String family : FAMILIES) {
      String runs = runs(family, "1");
      Instant[] day = TestServer.yesterday();
      JsonNode created = json(post(202, true, runs, server.key, createBody(day[0], day[1])));
      assertThat(RunId.tryParse(created.get("id").asText())).isPresent();
      assertThat(json(post(400, false, runs, server.key, "{\"model\": \"events\"}")).get("attr").asText())
          .isEqualTo("data_interval_start");
      assertThat(json(post(400, true, runs, server.key, createBody(day[1], day[0]))).get("detail").asText())
          .isEqualTo("'data_interval_end' must occur after 'data_interval_start'");
      post(400, false, runs, server.key, "{\"model\": \"events\", \"data_interval_start\": \"2026-11-20\", "
          + "\"data_interval_end\": \"2026-11-21\", \"colour\": \"blue\"}");
      post(401, false, runs, null, createBody(day[0], day[1]));
      post(401, true, runs, NO_SUCH_KEY, createBody(day[0], day[1]));
      post(403, true, runs, server.readKey, createBody(day[0], day[1]));
      post(404, false, runs(family, "01"), server.key, createBody(day[0], day[1]));
    }
  }

  @Test
  @Order(4)
  void tooManyConcurrentRunsOfATeam() {
    TeamId team = TeamId.of(3);
    String key = server.app.keys.create(Set.of(team), EnumSet.of(Scope.ALL), "team 3").secret();
    for (int i = 0; i < 10; i++) {
      insert(team, RunStatus.RUNNING);
    }
    Instant[] day = TestServer.yesterday();
    for (String family : FAMILIES) {
      OpenApiContract.Exchange refused = post(429, true, runs(family, "3"), key, createBody(day[0], day[1]));
      assertThat(json(refused).get("code").asText()).isEqualTo("too_many_concurrent_file_downloads");
    }
  }

  @Test
  @Order(5)
  void retrievingRuns() {
    for (String family : FAMILIES) {
      String runs = runs(family, "1");
      assertThat(json(get(200, true, runs + completed + "/", server.key)).get("files").get(0).asText())
          .isEqualTo(fileId);
      assertThat(json(get(200, true, runs + failed + "/", server.key)).get("error").asText()).isNotEmpty();
      assertThat(json(get(200, true, runs + running, server.key)).has("files")).isFalse();
      get(401, false, runs + completed + "/", null);
      get(403, true, runs + completed + "/", server.writeKey);
      get(404, true, runs + RunId.random() + "/", server.key);
      get(404, false, runs + "not-a-run/", server.key);
      get(404, true, runs(family, "2") + completed + "/", server.team2Key);
    }
  }

  @Test
  @Order(6)
  void cancellingRuns() {
    for (String family : FAMILIES) {
      String runs = runs(family, "1");
      RunId active = insert(TeamId.of(1), RunStatus.RUNNING);
      // The seed's own example: form fields sent as JSON. The body is ignored.
      OpenApiContract.Exchange done = expect(200, true, "POST", runs + active + "/cancel/",
          Map.of("Authorization", "Bearer " + server.key, "Content-Type", "application/json"), "reason=none", null);
      assertThat(json(done).get("status").asText()).isEqualTo("Cancelled");
      assertThat(json(post(400, true, runs + completed + "/cancel/", server.key, "")).get("detail").asText())
          .isEqualTo("Cannot cancel a run that is in 'Completed' status");
      post(401, false, runs + completed + "/cancel/", null, "");
      post(403, true, runs + completed + "/cancel/", server.readKey, "");
      post(404, true, runs + RunId.random() + "/cancel/", server.key, "");
    }
  }

  @Test
  @Order(7)
  void downloadingFiles() {
    for (String family : FAMILIES) {
      String runs = runs(family, "1");
      get(302, true, runs + completed + "/download/", server.key);
      get(400, true, runs + running + "/download/", server.key);
      get(401, false, runs + completed + "/download/", null);
      get(403, true, runs + completed + "/download/", server.writeKey);
      get(404, true, runs + RunId.random() + "/download/", server.key);

      get(302, true, runs + completed + "/download/0/", server.key);
      get(302, true, runs + completed + "/download/" + fileId + "/", server.key);
      assertThat(json(get(400, false, runs + completed + "/download/abc/", server.key)).get("detail").asText())
          .isEqualTo("Invalid file id or index: 'abc'");
      assertThat(json(get(400, true, runs + cancelled + "/download/0/", server.key)).get("detail").asText())
          .isEqualTo("Batch export run was cancelled");
      get(401, false, runs + completed + "/download/0/", null);
      get(403, true, runs + completed + "/download/0/", server.writeKey);
      assertThat(json(get(404, true, runs + completed + "/download/5/", server.key)).get("detail").asText())
          .isEqualTo("No files with index 5");
      get(404, true, runs + completed + "/download/" + RunId.random() + "/", server.key);
    }
  }

  @Test
  @Order(8)
  void readingLogs() {
    for (String family : FAMILIES) {
      String logs = runs(family, "1") + completed + "/logs/";
      JsonNode all = json(get(200, true, logs, server.key));
      assertThat(all.get("count").asInt()).as(all.toString()).isGreaterThanOrEqualTo(2);
      assertThat(json(get(200, true, logs + "?limit=1", server.key)).get("next").isTextual()).isTrue();
      JsonNode newest = all.get("results").get(0);
      String filtered = logs + "?limit=500&after=2000-01-01&before=9999-12-31T00:00:00Z&level=debug&level=INFO,warning"
          + "&level=Error&search=" + encode(newest.get("message").asText().substring(0, 3).toUpperCase())
          + "&instance_id=" + newest.get("instance_id").asText();
      assertThat(json(get(200, true, filtered, server.key)).get("count").asInt()).isPositive();
      get(400, false, logs + "?level=verbose", server.key);
      get(400, false, logs + "?limit=0", server.key);
      get(400, false, logs + "?after=yesterday", server.key);
      get(400, false, logs + "?instance_id=123", server.key);
      get(401, false, logs, null);
      get(403, true, logs, server.writeKey);
      get(404, true, runs(family, "1") + RunId.random() + "/logs/", server.key);
    }
  }

  @Test
  @Order(9)
  void readingManifests() {
    for (String family : FAMILIES) {
      String runs = runs(family, "1");
      JsonNode manifest = json(get(200, true, runs + completed + "/manifest/", server.key));
      assertThat(manifest.get("files").get(0).get("id").asText()).isEqualTo(fileId);
      get(400, true, runs + running + "/manifest/", server.key);
      get(401, false, runs + completed + "/manifest/", null);
      get(403, true, runs + completed + "/manifest/", server.writeKey);
      get(404, true, runs + RunId.random() + "/manifest/", server.key);
    }
  }

  // ---------------------------------------------------------------- links and probes

  @Test
  @Order(10)
  void followingLocalDownloadLinks() {
    URI link = URI.create(header(get(302, true, runs("projects", "1") + completed + "/download/", server.key),
        "Location"));
    OpenApiContract.Exchange file = expect(200, true, "GET", link.toString(), Map.of(), null, null);
    assertThat(file.responseBody()).isNotEmpty();
    OpenApiContract.Exchange head = expect(200, true, "HEAD", link.toString(), Map.of(), null, null);
    assertThat(header(head, "Content-Length")).isEqualTo(Integer.toString(file.responseBody().length));
    String tag = header(file, "ETag");
    assertThat(header(head, "ETag")).isEqualTo(tag);

    int size = file.responseBody().length;
    OpenApiContract.Exchange part = expect(206, true, "GET", link.toString(), Map.of("Range", "bytes=1-4"), null,
        null);
    assertThat(header(part, "Content-Range")).isEqualTo("bytes 1-4/" + size);
    assertThat(part.responseBody()).isEqualTo(Arrays.copyOfRange(file.responseBody(), 1, 5));
    OpenApiContract.Exchange resumed = expect(206, true, "GET", link.toString(),
        Map.of("Range", "bytes=-3", "If-Range", tag), null, null);
    assertThat(resumed.responseBody()).isEqualTo(Arrays.copyOfRange(file.responseBody(), size - 3, size));
    OpenApiContract.Exchange beyond = expect(416, true, "GET", link.toString(), Map.of("Range", "bytes=" + size + "-"),
        null, null);
    assertThat(header(beyond, "Content-Range")).isEqualTo("bytes */" + size);
    assertThat(json(beyond).get("code").asText()).isEqualTo("range_not_satisfiable");
    assertThat(expect(200, true, "GET", link.toString(), Map.of("Range", "bytes=0-1,3-4"), null, null).responseBody())
        .isEqualTo(file.responseBody());
    assertThat(expect(304, true, "GET", link.toString(), Map.of("If-None-Match", tag), null, null).responseBody())
        .isEmpty();
    expect(304, true, "HEAD", link.toString(), Map.of("If-None-Match", "*"), null, null);

    String tampered = link.toString().replace("filename=", "filename=x");
    assertThat(json(expect(403, true, "GET", tampered, Map.of(), null, null)).get("code").asText())
        .isEqualTo("invalid_link");
    expect(403, true, "HEAD", tampered, Map.of(), null, null);
    expect(403, false, "GET", link.getRawPath(), Map.of(), null, null);
    String key = link.getRawPath().substring(HttpApi.LOCAL_DOWNLOADS_PATH.length());
    String fileName = URLDecoder.decode(link.getRawQuery().replaceAll(".*filename=([^&]*).*", "$1"),
        StandardCharsets.UTF_8);
    URI expired = server.app.defaults.localStore.signedLink(key, fileName, Instant.now().minusSeconds(5));
    assertThat(json(expect(403, true, "GET", expired.toString(), Map.of(), null, null)).get("code").asText())
        .isEqualTo("link_expired");
    URI gone = server.app.defaults.localStore.signedLink("1/" + RunId.random() + "/attempt-1/x.jsonl", "x.jsonl",
        Instant.now().plusSeconds(60));
    expect(404, true, "GET", gone.toString(), Map.of(), null, null);
    expect(404, true, "HEAD", gone.toString(), Map.of(), null, null);
  }

  @Test
  @Order(11)
  void probes() {
    assertThat(json(expect(200, true, "GET", "/_health", Map.of(), null, null)).get("status").asText())
        .isEqualTo("ok");
    assertThat(json(expect(200, true, "GET", "/_ready", Map.of(), null, null)).get("status").asText())
        .isEqualTo("ready");
    assertThat(new String(expect(200, true, "GET", "/metrics", Map.of(), null, null).responseBody(),
        StandardCharsets.UTF_8)).contains("fdbe_http_server_requests_seconds_count");
  }

  // ---------------------------------------------------------------- what every path answers alike

  @Test
  @Order(12)
  void aThrottledAddressIsRefusedEverywhere() throws IOException {
    InetAddress guesser = InetAddress.getByName("127.0.0.77");
    for (int i = 0; i < AuthThrottle.DEFAULT_LIMIT_PER_MINUTE; i++) {
      expect(401, true, "GET", runs(FAMILIES.get(i % 2), "1"), bearer(NO_SUCH_KEY + i), null, guesser);
    }
    Instant[] day = TestServer.yesterday();
    for (String family : FAMILIES) {
      String runs = runs(family, "1");
      String body = createBody(day[0], day[1]);
      for (String[] call : new String[][] {{"GET", runs}, {"POST", runs}, {"GET", runs + completed + "/"},
          {"POST", runs + completed + "/cancel/"}, {"GET", runs + completed + "/download/"},
          {"GET", runs + completed + "/download/0/"}, {"GET", runs + completed + "/logs/"},
          {"GET", runs + completed + "/manifest/"}}) {
        throttled(call[0], call[1], call[0].equals("POST") ? body : null, guesser);
      }
    }
  }

  /**
   * A request from a throttled address: 429 with {@code Retry-After}. The budget refills one
   * failure every 3 s, and a refilled one is spent by this request's unknown key (a 401), so try
   * again then.
   */
  private void throttled(String method, String target, @Nullable String body, InetAddress from) {
    for (int attempt = 0; ; attempt++) {
      Map<String, String> headers = new LinkedHashMap<>(bearer(NO_SUCH_KEY));
      if (body != null) {
        headers.put("Content-Type", "application/json");
      }
      OpenApiContract.Exchange exchange = send(method, target, headers, body, from);
      if (exchange.status() == 401 && attempt < 3) {
        check(exchange, true);
        continue;
      }
      assertThat(exchange.status()).as(exchange.toString()).isEqualTo(429);
      check(exchange, true);
      assertThat(json(exchange).get("code").asText()).isEqualTo("too_many_failed_authentications");
      return;
    }
  }

  @Test
  @Order(13)
  void methodsAPathDoesNotHaveAre405() {
    List<String> methods = List.of("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD");
    JsonNode paths = contract.document().path("paths");
    for (var it = paths.fields(); it.hasNext(); ) {
      var path = it.next();
      if (path.getKey().equals("/_health") || path.getKey().equals("/_ready")) {
        continue; // probes answer every method alike
      }
      String target = path.getKey().replace("{project_id}", "1").replace("{environment_id}", "1")
          .replace("{id}", completed).replace("{part}", "0").replace("{key}", "1/x/y.csv");
      for (String method : methods) {
        if (path.getValue().has(method.toLowerCase())) {
          continue;
        }
        OpenApiContract.Exchange refused = send(method, target, bearer(server.key), method.equals("GET")
            || method.equals("HEAD") || method.equals("DELETE") ? null : "{}", null);
        assertThat(refused.status()).as(refused.toString()).isEqualTo(405);
        if (!method.equals("HEAD")) {
          assertThat(header(refused, "Content-Type")).isEqualTo("application/json");
          assertThat(contract.validate("/components/schemas/MethodNotAllowedError", json(refused)))
              .as(refused.toString()).isEmpty();
        }
      }
    }
  }

  @Test
  @Order(14)
  void brokenStoresAre500AndNotReady() throws Exception {
    URI link = URI.create(header(get(302, true, runs("projects", "1") + completed + "/download/", server.key),
        "Location"));
    Path files = directory.resolve("files");
    Path away = directory.resolve("files-away");
    Files.move(files, away);
    renameRunsTable("fdbe_runs", "fdbe_runs_away");
    try {
      OpenApiContract.Exchange ready;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      do {
        ready = send("GET", "/_ready", Map.of(), null, null);
        check(ready, true);
      } while (ready.status() != 503 && System.nanoTime() < deadline && pause());
      assertThat(ready.status()).as(ready.toString()).isEqualTo(503);
      assertThat(json(ready).get("status").asText()).isEqualTo("unavailable");

      Instant[] day = TestServer.yesterday();
      for (String family : FAMILIES) {
        String runs = runs(family, "1");
        get(500, true, runs, server.key);
        post(500, true, runs, server.key, createBody(day[0], day[1]));
        get(500, true, runs + completed + "/", server.key);
        post(500, true, runs + running + "/cancel/", server.key, "");
        get(500, true, runs + completed + "/download/", server.key);
        get(500, true, runs + completed + "/download/0/", server.key);
        get(500, true, runs + completed + "/logs/", server.key);
        OpenApiContract.Exchange failure = get(500, true, runs + completed + "/manifest/", server.key);
        assertThat(json(failure).get("detail").asText()).contains("incident").doesNotContain("fdbe_runs");
      }
      expect(500, true, "GET", link.toString(), Map.of(), null, null);
      expect(500, true, "HEAD", link.toString(), Map.of(), null, null);
    } finally {
      renameRunsTable("fdbe_runs_away", "fdbe_runs");
      Files.move(away, files);
    }
    get(200, true, runs("projects", "1") + completed + "/", server.key);
  }

  private void renameRunsTable(String from, String to) throws Exception {
    try (Connection connection = server.app.defaults.dataSource.getConnection();
        Statement statement = connection.createStatement()) {
      statement.execute("ALTER TABLE " + from + " RENAME TO " + to);
    }
  }

  private static boolean pause() {
    try {
      Thread.sleep(200);
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Test
  @Order(100)
  void everyDocumentedAnswerWasDrawn() {
    Set<OpenApiContract.Key> missing = new TreeSet<>(contract.documented());
    missing.removeAll(covered);
    assertThat(missing).as("documented answers no request drew").isEmpty();
    assertThat(contract.documented()).containsAll(covered);
  }

  // ---------------------------------------------------------------- helpers

  private static String runs(String family, String team) {
    return "/api/" + family + "/" + team + "/file_download_batch_exports/";
  }

  private static String createBody(Instant start, Instant end) {
    return "{\"model\": \"events\", \"file\": {\"format\": \"CSV\", \"compression\": \"gzip\", \"max_size_mb\": 0}, "
        + "\"include\": [\"$pageview\"], \"exclude\": [], \"data_interval_start\": \"" + start
        + "\", \"data_interval_end\": \"" + end + "\"}";
  }

  private static Map<String, String> bearer(@Nullable String key) {
    return key == null ? Map.of() : Map.of("Authorization", "Bearer " + key);
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private OpenApiContract.Exchange get(int status, boolean validRequest, String target, @Nullable String key) {
    return expect(status, validRequest, "GET", target, bearer(key), null, null);
  }

  private OpenApiContract.Exchange post(int status, boolean validRequest, String target, @Nullable String key,
      String body) {
    Map<String, String> headers = new LinkedHashMap<>(bearer(key));
    headers.put("Content-Type", "application/json");
    return expect(status, validRequest, "POST", target, headers, body, null);
  }

  /** Sends a request, expects the status, and checks the exchange against the document. */
  private OpenApiContract.Exchange expect(int status, boolean validRequest, String method, String target,
      Map<String, String> headers, @Nullable String body, @Nullable InetAddress from) {
    OpenApiContract.Exchange exchange = send(method, target, headers, body, from);
    assertThat(exchange.status()).as(exchange.toString()).isEqualTo(status);
    check(exchange, validRequest);
    return exchange;
  }

  /**
   * The response must be as documented; the request must be as documented exactly when the test
   * meant it to be (a wrong request must be one the document forbids).
   */
  private void check(OpenApiContract.Exchange exchange, boolean validRequest) {
    OpenApiContract.Verdict verdict = contract.check(exchange);
    assertThat(verdict.responseProblems()).as(exchange.toString()).isEmpty();
    if (validRequest) {
      assertThat(verdict.requestProblems()).as(exchange.toString()).isEmpty();
    } else {
      assertThat(verdict.requestProblems()).as("the document should forbid %s", exchange).isNotEmpty();
    }
    assertThat(verdict.key()).as(exchange.toString()).isNotNull();
    covered.add(verdict.key());
  }

  /** One request: through the JDK's client, or as raw HTTP from a chosen local address. */
  private OpenApiContract.Exchange send(String method, String target, Map<String, String> headers,
      @Nullable String body, @Nullable InetAddress from) {
    URI uri = target.startsWith("http") ? URI.create(target) : server.uri(target);
    Map<String, List<String>> requestHeaders = new LinkedHashMap<>();
    headers.forEach((name, value) -> requestHeaders.put(name, List.of(value)));
    byte[] requestBody = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    if (from != null) {
      StringBuilder raw = new StringBuilder(method + " " + uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\n");
      raw.append("Host: ").append(server.base.getAuthority()).append("\r\n");
      headers.forEach((name, value) -> raw.append(name).append(": ").append(value).append("\r\n"));
      raw.append("Content-Length: ").append(requestBody == null ? 0 : requestBody.length).append("\r\n");
      raw.append("Connection: close\r\n\r\n").append(body == null ? "" : body);
      RawHttp.Response response = RawHttp.send(server.base, from, raw.toString());
      Map<String, List<String>> responseHeaders = new LinkedHashMap<>();
      response.headers().forEach((name, value) -> responseHeaders.put(name, List.of(value)));
      return new OpenApiContract.Exchange(method, uri, requestHeaders, requestBody, response.status(), responseHeaders,
          response.body().getBytes(StandardCharsets.UTF_8));
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(requestBody));
    headers.forEach(request::header);
    try {
      HttpResponse<byte[]> response = server.http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      return new OpenApiContract.Exchange(method, uri, requestHeaders, requestBody, response.statusCode(),
          response.headers().map(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String header(OpenApiContract.Exchange exchange, String name) {
    List<String> values = new ArrayList<>();
    exchange.responseHeaders().forEach((key, list) -> {
      if (key.equalsIgnoreCase(name)) {
        values.addAll(list);
      }
    });
    assertThat(values).as("%s in %s", name, exchange).hasSize(1);
    return values.get(0);
  }

  private static String text(OpenApiContract.Exchange exchange) {
    return new String(exchange.responseBody(), StandardCharsets.UTF_8);
  }

  private static JsonNode json(OpenApiContract.Exchange exchange) {
    try {
      return JsonBodies.MAPPER.readTree(exchange.responseBody());
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + exchange, e);
    }
  }

  private RunId insert(TeamId team, RunStatus status) {
    return server.insertRun(team, status);
  }
}
