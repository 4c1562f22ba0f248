package dev.fdbe.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No 500 for malformed input: each bad request gets a 4xx with a JSON envelope whose message names
 * the problem.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadRequestsIT {
  private static final String RUNS = "/api/projects/1/file_download_batch_exports/";
  private static final Instant END = Instant.now().truncatedTo(ChronoUnit.DAYS);
  private static final Instant START = END.minus(Duration.ofDays(1));

  @TempDir
  static Path directory;

  private TestServer server;
  private String completed;

  /**
   * One bad request.
   *
   * @param name what is wrong
   * @param method the HTTP method
   * @param path the path, where {@code {run}} is a completed run's id
   * @param body the request body, or null
   * @param status the expected status
   * @param detail a text the error's detail must contain
   */
  record Bad(String name, String method, String path, String body, int status, String detail) {
    @Override
    public String toString() {
      return name;
    }
  }

  static String create(Map<String, String> fields) {
    Map<String, String> all = new java.util.LinkedHashMap<>();
    all.put("model", "\"events\"");
    all.put("file", "{\"format\": \"JSONLines\"}");
    all.put("data_interval_start", "\"" + START + "\"");
    all.put("data_interval_end", "\"" + END + "\"");
    all.putAll(fields);
    StringBuilder json = new StringBuilder("{");
    all.forEach((k, v) -> {
      if (v != null) {
        json.append(json.length() > 1 ? ", " : "").append('"').append(k).append("\": ").append(v);
      }
    });
    return json.append('}').toString();
  }

  static Bad post(String name, String body, String detail) {
    return new Bad(name, "POST", RUNS, body, 400, detail);
  }

  static Bad field(String name, String field, String value, String detail) {
    Map<String, String> fields = new java.util.HashMap<>();
    fields.put(field, value);
    return post(name, create(fields), detail);
  }

  static Bad get(String name, String path, int status, String detail) {
    return new Bad(name, "GET", path, null, status, detail);
  }

  static List<Bad> cases() {
    List<Bad> cases = new ArrayList<>();
    cases.add(post("empty body", "", "the request body is empty"));
    cases.add(post("not JSON", "model=events", "Malformed JSON"));
    cases.add(post("a JSON list", "[]", "must be a JSON object, not a list"));
    cases.add(post("a JSON string", "\"events\"", "must be a JSON object, not a string"));
    cases.add(post("JSON null", "null", "must be a JSON object, not null"));
    cases.add(post("empty object", "{}", "'model' is required"));
    cases.add(post("duplicate keys", "{\"model\": \"events\", \"model\": \"persons\"}", "Duplicate field 'model'"));
    cases.add(post("trailing text", create(Map.of()) + " extra", "Malformed JSON"));
    cases.add(post("unterminated", "{\"model\": \"events\"", "Malformed JSON"));
    cases.add(post("deep nesting", "{\"file\": " + "[".repeat(100) + "]".repeat(100) + "}", "Malformed JSON"));
    cases.add(post("body over 1 MiB", create(Map.of("include", "[\"" + "x".repeat(1_100_000) + "\"]")),
        "at most 1048576"));
    cases.add(field("model as a number", "model", "1", "'model' must be a string"));
    cases.add(field("model null", "model", "null", "'model' is required"));
    cases.add(field("unknown model", "model", "\"clicks\"", "'model' must be one of [events, persons, sessions]"));
    cases.add(field("unknown field", "modle", "\"events\"", "Unknown field 'modle'"));
    cases.add(field("odd unicode field name", "m\u00f6del", "1", "Unknown field 'm\u00f6del'"));
    cases.add(field("file as a string", "file", "\"CSV\"", "'file' must be an object"));
    cases.add(field("unknown format", "file", "{\"format\": \"XML\"}", "'file.format' must be one of"));
    cases.add(field("format as a number", "file", "{\"format\": 3}", "'file.format' must be a string"));
    cases.add(field("unknown compression", "file", "{\"compression\": \"zip\"}", "'file.compression' must be null or one of"));
    cases.add(field("compression as a boolean", "file", "{\"compression\": true}", "'file.compression' must be null or one of"));
    cases.add(field("negative max_size_mb", "file", "{\"max_size_mb\": -1}", "'max_size_mb' must be null, 0 or a positive"));
    cases.add(field("fractional max_size_mb", "file", "{\"max_size_mb\": 1.5}", "'file.max_size_mb' must be null or a whole number"));
    cases.add(field("max_size_mb as text", "file", "{\"max_size_mb\": \"10\"}", "'file.max_size_mb' must be null or a whole number"));
    cases.add(field("huge max_size_mb", "file", "{\"max_size_mb\": 1e30}", "'file.max_size_mb' is out of range"));
    cases.add(field("enormous max_size_mb", "file", "{\"max_size_mb\": 99999999999999999999999}", "out of range"));
    cases.add(field("infinite max_size_mb", "file", "{\"max_size_mb\": 1e400}", "'file.max_size_mb' is out of range"));
    cases.add(field("minus infinite max_size_mb", "file", "{\"max_size_mb\": -1e400}", "is out of range"));
    cases.add(field("max_size_mb a hair above 1", "file", "{\"max_size_mb\": 1.0000000000000001}",
        "'file.max_size_mb' must be null or a whole number"));
    cases.add(field("max_size_mb with an exponent no number holds", "file", "{\"max_size_mb\": 1e-999999999999}",
        "Malformed JSON: a number is out of range"));
    cases.add(field("max_size_mb a hair above 0", "file", "{\"max_size_mb\": 0." + "0".repeat(900) + "1}",
        "'file.max_size_mb' must be null or a whole number"));
    cases.add(field("max_size_mb above 1 TiB", "file", "{\"max_size_mb\": 2000000}", "at most 1048576"));
    cases.add(field("unknown file field", "file", "{\"extra\": 1}", "Unknown field 'file.extra'"));
    cases.add(field("include as a string", "include", "\"$pageview\"", "'include' must be a list"));
    cases.add(field("include of numbers", "include", "[1]", "'include' must hold strings, not a number"));
    cases.add(field("exclude as an object", "exclude", "{}", "'exclude' must be a list"));
    cases.add(field("empty event name", "exclude", "[\"\"]", "'exclude' must hold non-empty event names"));
    cases.add(field("NUL in an event name", "include", "[\"a\\u0000b\"]", "'include' holds a NUL character"));
    cases.add(field("lone surrogate", "include", "[\"\\ud800\"]", "'include' holds an unpaired UTF-16 surrogate"));
    cases.add(post("include for persons", create(Map.of("model", "\"persons\"", "include", "[\"$pageview\"]")),
        "'include' can only be used with model 'events'"));
    cases.add(field("missing start", "data_interval_start", null, "'data_interval_start' is required"));
    cases.add(field("start as a number", "data_interval_start", "12345", "'data_interval_start' must be an ISO-8601 date-time string"));
    cases.add(field("start in words", "data_interval_start", "\"yesterday\"", "'data_interval_start' must be an ISO-8601"));
    cases.add(field("month 13", "data_interval_start", "\"2026-13-01T00:00:00Z\"", "'data_interval_start' must be an ISO-8601"));
    cases.add(field("hour 25", "data_interval_start", "\"2026-11-20T25:00:00Z\"", "must be an ISO-8601"));
    cases.add(field("February 30", "data_interval_end", "\"2026-02-30\"", "'data_interval_end' must be an ISO-8601"));
    cases.add(field("year 0", "data_interval_start", "\"0000-06-01T00:00:00Z\"", "'data_interval_start' must not be before year 1"));
    cases.add(field("start after end", "data_interval_start", "\"" + END.plusSeconds(1) + "\"",
        "'data_interval_end' must occur after 'data_interval_start'"));
    cases.add(field("range too big", "data_interval_start", "\"" + END.minus(Duration.ofDays(9)) + "\"",
        "data interval range too big"));
    cases.add(field("end in the future", "data_interval_end", "\"" + Instant.now().plus(Duration.ofHours(1)) + "\"",
        "is in the future"));
    cases.add(get("list limit not a number", RUNS + "?limit=abc", 400, "'limit' must be an integer"));
    cases.add(get("list limit negative", RUNS + "?limit=-1", 400, "'limit' must be an integer written in ASCII digits"
        + " without sign"));
    cases.add(get("list offset fractional", RUNS + "?offset=1.5", 400, "'offset' must be an integer"));
    cases.add(get("list limit twice", RUNS + "?limit=1&limit=2", 400, "'limit' is given 2 times"));
    cases.add(get("list offset huge", RUNS + "?offset=99999999999999999999", 400,
        "'offset' must be between 0 and 9223372036854775807"));
    cases.add(get("logs limit 0", RUNS + "{run}/logs/?limit=0", 400, "'limit' must be between 1 and 500"));
    cases.add(get("logs limit 501", RUNS + "{run}/logs/?limit=501", 400, "'limit' must be between 1 and 500"));
    cases.add(get("logs after not a date", RUNS + "{run}/logs/?after=soon", 400, "'after' must be an ISO-8601"));
    cases.add(get("logs before not a date", RUNS + "{run}/logs/?before=2026-99-01", 400, "'before' must be an ISO-8601"));
    cases.add(get("logs unknown level", RUNS + "{run}/logs/?level=verbose", 400, "'level' must be DEBUG, INFO"));
    cases.add(get("logs bad instance id", RUNS + "{run}/logs/?instance_id=123", 400, "'instance_id' must be an attempt id"));
    cases.add(get("run id not a UUID", RUNS + "not-a-uuid/", 404, "No batch export run found with id 'not-a-uuid'"));
    cases.add(get("unknown run", RUNS + "497f6eca-6276-4993-bfeb-53cbbbba6f08/", 404, "No batch export run found"));
    cases.add(get("project id in words", "/api/projects/abc/file_download_batch_exports/", 404, "No project with id 'abc'"));
    cases.add(get("negative project id", "/api/projects/-1/file_download_batch_exports/", 404, "No project with id '-1'"));
    cases.add(get("huge project id", "/api/projects/99999999999999999999/file_download_batch_exports/", 404,
        "No project with id"));
    cases.add(get("part in words", RUNS + "{run}/download/abc/", 400, "Invalid file id or index: 'abc'"));
    cases.add(get("fractional part", RUNS + "{run}/download/1.5", 400, "Invalid file id or index: '1.5'"));
    cases.add(get("part beyond the files", RUNS + "{run}/download/99999999999999999999999/", 404, "No files with index"));
    cases.add(get("part on logs", RUNS + "{run}/logs/extra/", 404, "No API endpoint"));
    cases.add(new Bad("DELETE a list", "DELETE", RUNS, null, 405, "Method \"DELETE\" not allowed"));
    cases.add(new Bad("GET a cancel", "GET", RUNS + "{run}/cancel/", null, 405, "use POST"));
    cases.add(new Bad("PUT a run", "PUT", RUNS + "{run}/", "{}", 405, "use GET"));
    cases.add(new Bad("POST a download", "POST", RUNS + "{run}/download/", "{}", 405, "use GET"));
    return cases;
  }

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

  @Test
  void thereAreAtLeastFiftyCases() {
    assertThat(cases()).hasSizeGreaterThanOrEqualTo(50);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void badRequestGetsA4xxNamingTheProblem(Bad bad) {
    String path = bad.path().replace("{run}", completed);
    HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path))
        .header("Authorization", "Bearer " + server.key)
        .header("Content-Type", "application/json");
    request.method(bad.method(), bad.body() == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(bad.body(), StandardCharsets.UTF_8));

    HttpResponse<String> response = server.send(request.build());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(bad.status());
    JsonNode body = TestServer.json(response);
    assertThat(body.get("type").asText()).isNotBlank();
    assertThat(body.get("code").asText()).isNotBlank();
    assertThat(body.get("detail").asText()).contains(bad.detail());
  }

  private static String raw(int port, String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(60_000); // the server answers at once; a loaded machine may be slow to
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void malformedHttpIsAnsweredInJsonToo() throws IOException {
    int port = server.base.getPort();
    Function<String, String> status = response -> response.substring(0, response.indexOf("\r\n"));

    String headers = raw(port, "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000)
        + "\r\nConnection: close\r\n\r\n");
    assertThat(status.apply(headers)).contains("431");
    assertThat(headers).contains("\"type\"");

    String ambiguous = raw(port, "GET /api/projects/1/file_download_batch_exports/%2e%2e/x HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(status.apply(ambiguous)).contains("400");
    assertThat(ambiguous).contains("\"type\"").doesNotContain("<html");

    String put = raw(port, "PUT /api/projects/1/file_download_batch_exports/%2e%2e/x HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(status.apply(put)).contains("400");
    assertThat(put).as("every method, not only GET and POST").contains("\"type\":\"invalid_request\"");

    String badEncoding = raw(port, "GET " + RUNS.replace("/file_download_batch_exports/", "/file_download_batch_exports/"
        + completed + "/logs/") + "?search=%ZZ HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.key
        + "\r\nConnection: close\r\n\r\n");
    assertThat(status.apply(badEncoding)).contains("400");
    assertThat(badEncoding).contains("\"type\"").contains("\"attr\":\"search\"")
        .contains("'search' is not percent-encoded UTF-8: '%ZZ'");

    String bearerWithoutKey = raw(port, "GET " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer\r\n"
        + "Connection: close\r\n\r\n");
    assertThat(status.apply(bearerWithoutKey)).contains("401");
    assertThat(bearerWithoutKey).contains("not_authenticated");
  }

  @Test
  void aBodyEndedEarlyIsTheClientsErrorNotAServerIncident() throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.key
          + "\r\nContent-Type: application/json\r\nContent-Length: 100\r\nConnection: close\r\n\r\n{\"model\": ")
          .getBytes(StandardCharsets.ISO_8859_1));
      socket.shutdownOutput(); // the client ends its side 90 bytes early
      String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(response).startsWith("HTTP/1.1 400").contains("the request body could not be read whole")
          .doesNotContain("incident");
    }
  }

  /**
   * An answer sent before its request's body has arrived leaves the connection either usable for
   * the next request or announced as closing ({@code Connection: close}): never silently closed
   * after an answer that let the client keep it, which a pooling client (the JDK's among them)
   * reuses and finds closed. The client sends the headers of each request, reads the whole answer,
   * and only then sends the body and a second request on the same connection.
   */
  @ParameterizedTest(name = "{0} {1} {3}")
  @MethodSource("answeredBeforeTheirBody")
  void anAnswerBeforeTheBodyLeavesTheConnectionUsableOrSaysItCloses(String method, String path, String key,
      String framing, int status) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
      socket.setSoTimeout(60_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write((method + " " + path.replace("{run}", completed) + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + key + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String head = head(in);
      assertThat(head).startsWith("HTTP/1.1 " + status);
      in.readNBytes(contentLength(head));
      boolean closing = head.toLowerCase(Locale.ROOT).contains("\r\nconnection: close\r\n");
      try {
        String body = framing.contains("chunked") ? "2\r\n{}\r\n0\r\n\r\n" : "{}";
        out.write((body + "GET /_health HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
      } catch (IOException closed) {
        assertThat(closing).as("closed after an answer that did not say so: %s", head).isTrue();
        return;
      }
      String next = head(in);
      if (framing.contains("Expect")) {
        assertThat(closing).as("a body never invited is not waited for: %s", head).isTrue();
      }
      if (!closing) {
        assertThat(next).as("the connection was kept: the next request is answered").startsWith("HTTP/1.1 200");
      }
    }
  }

  /**
   * The same requests with their body sent at once, and the next request right behind it, in one
   * write: the body has arrived when the answer begins, so the connection is kept, and the next
   * request is answered on it.
   */
  @ParameterizedTest(name = "{0} {1} {3}")
  @MethodSource("sentWithTheirBody")
  void aBodyThatArrivedWithItsRequestKeepsTheConnection(String method, String path, String key, String framing,
      int status) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
      socket.setSoTimeout(60_000);
      String body = framing.contains("chunked") ? "2\r\n{}\r\n0\r\n\r\n" : "{}";
      socket.getOutputStream().write((method + " " + path.replace("{run}", completed) + " HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer " + key + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n" + body
          + "GET /_health HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = socket.getInputStream();
      String head = head(in);
      assertThat(head).startsWith("HTTP/1.1 " + status);
      assertThat(head.toLowerCase(Locale.ROOT)).doesNotContain("\r\nconnection: close\r\n");
      in.readNBytes(contentLength(head));
      assertThat(head(in)).as("the next request, on the same connection").startsWith("HTTP/1.1 200");
    }
  }

  /** The requests above but the one that waits to be invited to send its body. */
  static List<Arguments> sentWithTheirBody() {
    return answeredBeforeTheirBody().stream().filter(request -> !request.get()[3].toString().contains("Expect"))
        .toList();
  }

  static List<Arguments> answeredBeforeTheirBody() {
    String length = "Content-Length: 2";
    return List.of(
        Arguments.of("PUT", RUNS + "{run}/", TestServer.KEY, length, 405),
        Arguments.of("POST", RUNS + "{run}/download/", TestServer.KEY, length, 405),
        Arguments.of("POST", RUNS + "{run}/download/", TestServer.KEY, "Transfer-Encoding: chunked", 405),
        Arguments.of("POST", RUNS + "{run}/download/", TestServer.KEY, length + "\r\nExpect: 100-continue", 405),
        Arguments.of("POST", RUNS, "fdbe_not_a_key_0123456789", length, 401),
        Arguments.of("POST", RUNS + "{run}/cancel/", TestServer.KEY, length, 400),
        Arguments.of("GET", RUNS, TestServer.KEY, length, 200),
        Arguments.of("GET", "/_health", "", length, 200));
  }

  /** The status line and headers of the next answer, through the blank line; empty at the end of the stream. */
  private static String head(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    int b;
    while (!head.toString().endsWith("\r\n\r\n") && (b = in.read()) >= 0) {
      head.append((char) b);
    }
    return head.toString();
  }

  private static int contentLength(String head) {
    for (String line : head.split("\r\n")) {
      if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        return Integer.parseInt(line.substring(line.indexOf(':') + 1).strip());
      }
    }
    throw new AssertionError("no Content-Length in " + head);
  }

  /**
   * A client that sends its whole over-limit body before it reads reaches the 400 naming the limit,
   * not a reset connection: the server reads and drops a refused body up to 8 times the limit. The
   * client pauses after its first block and after the block that takes it over the limit, so that
   * the server has answered before the rest arrives (a server that closed then would reset the
   * connection on the next block, and the answer is lost).
   */
  @Test
  void aClientStillSendingARefusedBodyReadsTheAnswer() throws IOException, InterruptedException {
    for (String framing : List.of("Content-Length: " + 3 * FdbeServer.MAX_BODY_BYTES, "Transfer-Encoding: chunked")) {
      try (Socket socket = new Socket("127.0.0.1", server.base.getPort())) {
        socket.setSoTimeout(60_000);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + RUNS + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + server.key
            + "\r\nContent-Type: application/json\r\n" + framing + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
        byte[] chunk = "x".repeat(64 * 1024).getBytes(StandardCharsets.ISO_8859_1);
        boolean chunked = framing.startsWith("Transfer");
        for (int i = 0; i < 3 * FdbeServer.MAX_BODY_BYTES / chunk.length; i++) {
          if (chunked) {
            out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
          }
          out.write(chunk);
          if (chunked) {
            out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
          }
          if (i == 0 || i == FdbeServer.MAX_BODY_BYTES / chunk.length) { // the first block, the one over the limit
            out.flush();
            Thread.sleep(300);
          }
        }
        if (chunked) {
          out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertThat(response).as(framing).startsWith("HTTP/1.1 400").contains("1048576");
      }
    }
  }
}
